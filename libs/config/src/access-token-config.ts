type Environment = Readonly<Record<string, string | undefined>>;

/** What bearer tokens must say besides their signature, and whose keys besides AUTH_JWT_SECRET verify them. */
export interface AccessTokenConfig {
  /** AUTH_JWT_ISSUER: minted tokens carry it as `iss`, and every token must. */
  readonly issuer?: string;
  /** AUTH_JWT_AUDIENCE: minted tokens carry it as `aud`, and every token must name it. */
  readonly audience?: string;
  /** AUTH_JWKS_URL: the customer's identity provider's keys; RS256/ES256 tokens are accepted only with it. */
  readonly jwksUrl?: URL;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_CLAIM_LENGTH = 500;

/**
 * A JWKS URL needs an issuer and an audience: one identity provider signs tokens for many
 * applications, and without `aud` a token it made for another of them would open this one.
 */
export function accessTokenConfigFrom(env: Environment, problems: string[]): AccessTokenConfig {
  const issuer = claim(env, 'AUTH_JWT_ISSUER', problems);
  const audience = claim(env, 'AUTH_JWT_AUDIENCE', problems);
  const jwksUrl = jwksUrlFrom(env.AUTH_JWKS_URL?.trim(), problems);
  if (jwksUrl && (!issuer || !audience)) {
    problems.push(
      'AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE (the identity provider signs tokens for other applications too)',
    );
  }
  return { ...(issuer && { issuer }), ...(audience && { audience }), ...(jwksUrl && { jwksUrl }) };
}

function claim(env: Environment, name: string, problems: string[]): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (value.length > MAX_CLAIM_LENGTH) problems.push(`${name} must be at most ${MAX_CLAIM_LENGTH} characters`);
  return value;
}

/** https, or http to this machine only (a local identity provider, tests): keys fetched in clear text could be swapped. */
function jwksUrlFrom(value: string | undefined, problems: string[]): URL | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`AUTH_JWKS_URL must be a URL (got '${value}')`);
    return undefined;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  problems.push(`AUTH_JWKS_URL must be https (http only to localhost) (got '${value}')`);
  return undefined;
}
