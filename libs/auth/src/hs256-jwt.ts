import { createHmac } from 'node:crypto';

/**
 * Signs a compact JWS with HMAC-SHA256 (RFC 7515/7519). Only signing lives here, synchronous so
 * `helpdesk mint-token` and the test worlds mint tokens without awaiting; every token is verified
 * by jose (see readAccessToken), which also checks these tokens' format.
 */
export type JwtPayload = Readonly<Record<string, unknown>>;

export function signHs256Jwt(payload: JwtPayload, secret: string): string {
  const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
  const body = encodeJson(payload);
  return `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`;
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
