import { createHmac } from 'node:crypto';

/** Meta's `X-Hub-Signature-256` value: `sha256=` + hex HMAC-SHA256 of the raw body with the app secret. */
export function signatureOf(body: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Serialises a payload the way Meta's webhooks arrive: compact, with `/` and every non-ASCII
 * character escaped (`image\/jpeg`, `\ud83d\ude2e`). A receiver that re-serialises the parsed
 * JSON before checking the signature gets different bytes and fails, as it would against Meta.
 */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
