import { JwtRejected, signHs256Jwt, verifyHs256Jwt } from './hs256-jwt.js';

export const ROLES = ['agent', 'admin', 'auditor', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Who calls the API, from a verified token: the portal is the token's, never the client's input. */
export interface AuthenticatedUser {
  readonly portalId: string;
  readonly userId: string;
  readonly teamId: string | null;
  readonly roles: readonly Role[];
}

/**
 * The token's claims: `sub` the user, `portalId` the tenant, `team` optional, `roles` a non-empty
 * list, `exp` required. Unknown roles are ignored (a newer issuer may know more), but a token must
 * carry at least one known role.
 */
export interface AccessTokenRequest {
  readonly portalId: string;
  readonly userId: string;
  readonly teamId?: string;
  readonly roles: readonly Role[];
  readonly expiresInSeconds: number;
}

export class InvalidAccessToken extends Error {
  constructor(readonly reason: 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'bad_claims') {
    super(reason === 'expired' ? 'The bearer token has expired' : 'The bearer token is not valid');
    this.name = 'InvalidAccessToken';
  }
}

export function mintAccessToken(request: AccessTokenRequest, secret: string, now: Date): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return signHs256Jwt(
    {
      sub: request.userId,
      portalId: request.portalId,
      ...(request.teamId && { team: request.teamId }),
      roles: [...request.roles],
      iat: issuedAt,
      exp: issuedAt + request.expiresInSeconds,
    },
    secret,
  );
}

export function readAccessToken(token: string, secret: string, now: Date): AuthenticatedUser {
  let payload;
  try {
    payload = verifyHs256Jwt(token, secret, now);
  } catch (error) {
    if (error instanceof JwtRejected) throw new InvalidAccessToken(error.reason);
    throw error;
  }
  const { sub, portalId, team, roles } = payload;
  const known = Array.isArray(roles) ? ROLES.filter((role) => roles.includes(role)) : [];
  if (!isId(sub) || !isId(portalId) || (team !== undefined && !isId(team)) || known.length === 0) {
    throw new InvalidAccessToken('bad_claims');
  }
  return { portalId, userId: sub, teamId: team ?? null, roles: known };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 200;
}
