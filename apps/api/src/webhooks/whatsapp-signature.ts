import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

const HEADER = /^sha256=([0-9a-f]*)$/i;
const SHA256_BYTES = 32;

/**
 * Meta signs every webhook POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`,
 * keyed with the app secret. The HMAC is over the bytes as received: re-serialising the parsed JSON
 * would turn `\u00e9` into `é` or `\/` into `/` and fail on perfectly genuine payloads.
 */
export function checkWhatsAppSignature(
  rawBody: Buffer,
  header: string | readonly string[] | undefined,
  appSecret: string,
): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  if (typeof header !== 'string') return 'malformed';
  const hex = HEADER.exec(header.trim())?.[1];
  if (hex === undefined || hex.length === 0 || hex.length % 2 !== 0) return 'malformed';
  const given = Buffer.from(hex, 'hex');
  // timingSafeEqual throws on different lengths; a short or long digest is simply not Meta's.
  if (given.length !== SHA256_BYTES) return 'malformed';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}

/** The header Meta would send for these bytes: for tests and for replaying stored payloads. */
export function signWhatsAppPayload(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export interface VerificationRequest {
  readonly mode?: unknown;
  readonly token?: unknown;
  readonly challenge?: unknown;
}

/**
 * Meta's endpoint verification (`GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`):
 * the challenge to echo, or null to refuse. No verify token configured refuses everything.
 */
export function verificationChallenge(request: VerificationRequest, verifyToken: string | undefined): string | null {
  const { mode, token, challenge } = request;
  if (!verifyToken || mode !== 'subscribe' || typeof token !== 'string') return null;
  if (typeof challenge !== 'string' || challenge === '') return null;
  return sameSecret(token, verifyToken) ? challenge : null;
}

/** Constant-time whatever the lengths: compares digests, which always have the same length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
