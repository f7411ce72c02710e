import { errors, jwtVerify, type JWTVerifyGetKey, type JWTPayload } from 'jose';
import { signHs256Jwt } from './hs256-jwt.js';
import { VerifiedTokens } from './verified-tokens.js';

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
 * The token's claims, the same whoever signed it (`helpdesk mint-token` or the customer's identity
 * provider): `sub` the user, `portalId` the tenant, `team` optional, `roles` a non-empty list,
 * `exp` required. Unknown roles are ignored (a newer issuer may know more), but a token must carry
 * at least one known role.
 */
export interface AccessTokenRequest {
  readonly portalId: string;
  readonly userId: string;
  readonly teamId?: string;
  readonly roles: readonly Role[];
  readonly expiresInSeconds: number;
}

/** What a token must be signed with and say about where it comes from and whom it is for. */
export interface AccessTokenKeys {
  /** HS256: the shared secret `helpdesk mint-token` signs with (AUTH_JWT_SECRET, or this install's own). */
  readonly secret: string;
  /** AUTH_JWT_ISSUER: when set, minted tokens carry it as `iss` and every token must. */
  readonly issuer?: string;
  /** AUTH_JWT_AUDIENCE: when set, minted tokens carry it as `aud` and every token must name it. */
  readonly audience?: string;
  /** AUTH_JWKS_URL's keys (see identityProviderKeys): RS256 and ES256 tokens are accepted only with them. */
  readonly jwks?: JWTVerifyGetKey;
}

export type InvalidAccessTokenReason =
  'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'bad_claims' | 'unknown_key' | 'keys_unavailable';

export class InvalidAccessToken extends Error {
  constructor(readonly reason: InvalidAccessTokenReason) {
    super(reason === 'expired' ? 'The bearer token has expired' : 'The bearer token is not valid');
    this.name = 'InvalidAccessToken';
  }
}

/** Far more than our claims need; a bigger token is refused before any work is done on it. */
const MAX_TOKEN_LENGTH = 8192;
/** Seconds of clock difference tolerated for `exp` and `nbf` between the token's issuer and this process. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** An `iat` further ahead than this was not issued by a sane clock. */
const ISSUED_AT_TOLERANCE_SECONDS = 60;
const ASYMMETRIC = ['RS256', 'ES256'] as const;

export function mintAccessToken(
  request: AccessTokenRequest,
  secret: string,
  now: Date,
  audience: { readonly issuer?: string; readonly audience?: string } = {},
): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return signHs256Jwt(
    {
      ...(audience.issuer && { iss: audience.issuer }),
      ...(audience.audience && { aud: audience.audience }),
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

/**
 * The caller a token names, once jose has verified it at `now`: HS256 with the shared secret, or
 * RS256/ES256 with the identity provider's key of the token's `kid` when `keys.jwks` is there. The
 * algorithm is chosen by what is configured, never by the token alone: `none` and any other
 * algorithm are refused, an HS256 token only ever meets the secret (so one "signed" with a public
 * key fails), and the JWKS only yields RSA or EC keys for RS256 or ES256.
 */
export async function readAccessToken(token: string, keys: AccessTokenKeys, now: Date): Promise<AuthenticatedUser> {
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidAccessToken('malformed');
  let verified = verifiedTokens.get(keys);
  if (!verified) verifiedTokens.set(keys, (verified = new VerifiedTokens()));
  const remembered = verified.get(token, keys.secret, now.getTime());
  if (remembered) return remembered;
  const user = await verifyAccessToken(token, keys, now);
  verified.remember(token, keys.secret, user.user, now.getTime(), (user.exp + CLOCK_TOLERANCE_SECONDS) * 1000);
  return user.user;
}

/** Per set of keys (one per configuration), so a token verified under one secret is never taken under another. */
const verifiedTokens = new WeakMap<AccessTokenKeys, VerifiedTokens>();

async function verifyAccessToken(
  token: string,
  keys: AccessTokenKeys,
  now: Date,
): Promise<{ readonly user: AuthenticatedUser; readonly exp: number }> {
  const secret = new TextEncoder().encode(keys.secret);
  const jwks = keys.jwks;
  const keyFor: JWTVerifyGetKey = async (header, input) => {
    if (header.alg === 'HS256') return secret;
    if (!jwks) throw new InvalidAccessToken('malformed');
    try {
      return await jwks(header, input);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new InvalidAccessToken('unknown_key');
      }
      // The identity provider could not be asked (timeout, refused, not a key set): no token of its can be checked.
      throw new InvalidAccessToken('keys_unavailable');
    }
  };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyFor, {
      algorithms: jwks ? ['HS256', ...ASYMMETRIC] : ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
      ...(keys.issuer && { issuer: keys.issuer }),
      ...(keys.audience && { audience: keys.audience }),
    }));
  } catch (error) {
    throw rejection(error);
  }
  if (payload.iat !== undefined && payload.iat > now.getTime() / 1000 + ISSUED_AT_TOLERANCE_SECONDS) {
    throw new InvalidAccessToken('not_yet_valid');
  }
  const { sub, portalId, team, roles } = payload;
  const known = Array.isArray(roles) ? ROLES.filter((role) => roles.includes(role)) : [];
  if (!isId(sub) || !isId(portalId) || (team !== undefined && !isId(team)) || known.length === 0) {
    throw new InvalidAccessToken('bad_claims');
  }
  // requiredClaims made jose check `exp` is there and a number.
  return {
    user: Object.freeze({ portalId, userId: sub, teamId: team ?? null, roles: Object.freeze(known) }),
    exp: payload.exp!,
  };
}

function rejection(error: unknown): unknown {
  if (error instanceof InvalidAccessToken) return error;
  if (error instanceof errors.JWTExpired) return new InvalidAccessToken('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new InvalidAccessToken('not_yet_valid');
    if (error.claim === 'exp' || error.claim === 'iat') return new InvalidAccessToken('malformed');
    return new InvalidAccessToken('bad_claims');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidAccessToken('bad_signature');
  if (error instanceof errors.JOSEError) return new InvalidAccessToken('malformed');
  return error;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 200;
}
