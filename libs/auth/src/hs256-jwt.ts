import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact JWS with HMAC-SHA256 (RFC 7515/7519), and nothing else: the header must say HS256, so a
 * token cannot choose its own algorithm (`none`, or RS256 with our secret as a "public key").
 */
export type JwtPayload = Readonly<Record<string, unknown>>;

export type JwtRejection = 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid';

export class JwtRejected extends Error {
  constructor(readonly reason: JwtRejection) {
    super(`JWT rejected: ${reason}`);
    this.name = 'JwtRejected';
  }
}

/** Far more than our claims need; a bigger header is refused before any work is done on it. */
const MAX_TOKEN_LENGTH = 8192;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Seconds of clock difference tolerated between the token's issuer and this process. */
const LEEWAY_SECONDS = 30;

export function signHs256Jwt(payload: JwtPayload, secret: string): string {
  const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
  const body = encodeJson(payload);
  return `${header}.${body}.${signature(`${header}.${body}`, secret).toString('base64url')}`;
}

/** The payload of a token signed with `secret`, current at `now`; throws `JwtRejected` otherwise. */
export function verifyHs256Jwt(token: string, secret: string, now: Date): JwtPayload {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) throw new JwtRejected('malformed');
  const [header, body, signed] = parts;
  const { alg, typ, crit } = decodeJson(header);
  if (alg !== 'HS256' || (typ !== undefined && typ !== 'JWT') || crit !== undefined) throw new JwtRejected('malformed');
  const expected = signature(`${header}.${body}`, secret);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtRejected('bad_signature');
  const payload = decodeJson(body);
  const seconds = now.getTime() / 1000;
  const { exp, nbf } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new JwtRejected('malformed');
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) throw new JwtRejected('malformed');
  if (seconds >= exp + LEEWAY_SECONDS) throw new JwtRejected('expired');
  if (typeof nbf === 'number' && seconds < nbf - LEEWAY_SECONDS) throw new JwtRejected('not_yet_valid');
  return payload;
}

function signature(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeJson(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtRejected('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtRejected('malformed');
  return value as Record<string, unknown>;
}
