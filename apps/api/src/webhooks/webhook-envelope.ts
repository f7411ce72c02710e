/**
 * What the edge checks before acknowledging a signed POST: UTF-8 text (so the stored string gives
 * back the very bytes Meta signed), JSON, and Meta's envelope
 * `{"object":"whatsapp_business_account","entry":[...]}`. Everything inside the entries is the
 * processor's business: an odd entry becomes an explicit unmapped item there, never a refusal here.
 */
export type EnvelopeCheck =
  | { readonly ok: true; readonly body: string; readonly payload: WebhookEnvelope }
  | { readonly ok: false; readonly reason: string };

export interface WebhookEnvelope {
  readonly object: 'whatsapp_business_account';
  readonly entry: readonly unknown[];
}

export function checkWebhookEnvelope(raw: Buffer): EnvelopeCheck {
  const body = raw.toString('utf8');
  if (!Buffer.from(body, 'utf8').equals(raw)) return { ok: false, reason: 'The body is not UTF-8 text' };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'The body is not JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'The body is not a JSON object' };
  }
  const { object, entry } = payload as Record<string, unknown>;
  if (object !== 'whatsapp_business_account') {
    return {
      ok: false,
      reason: `"object" must be "whatsapp_business_account" (got ${JSON.stringify(object) ?? 'nothing'})`,
    };
  }
  if (!Array.isArray(entry)) return { ok: false, reason: '"entry" must be a list' };
  return { ok: true, body, payload: payload as WebhookEnvelope };
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}
