import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

export interface IdentityProviderKeyOptions {
  /** A fetch of the key set that takes longer is abandoned (and the token refused as keys_unavailable). */
  readonly timeoutMs: number;
  /**
   * After a fetch, a token with an unknown `kid` does not fetch again for this long: a flood of
   * random kids costs one fetch per cooldown, not one per request.
   */
  readonly cooldownMs: number;
  /** Keys are fetched afresh when older than this, even if every kid is known (a revoked key goes). */
  readonly cacheMaxAgeMs: number;
}

export const DEFAULT_IDENTITY_PROVIDER_KEY_OPTIONS: IdentityProviderKeyOptions = {
  timeoutMs: 5_000,
  cooldownMs: 30_000,
  cacheMaxAgeMs: 600_000,
};

/**
 * The customer's identity provider's public keys, from its JWKS URL, by `kid`: jose caches them and
 * fetches again when a token names a kid it does not know (the provider rotated its keys), at most
 * once per cooldown; concurrent requests share one fetch.
 */
export function identityProviderKeys(
  url: URL,
  options: IdentityProviderKeyOptions = DEFAULT_IDENTITY_PROVIDER_KEY_OPTIONS,
): JWTVerifyGetKey {
  return createRemoteJWKSet(url, {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  });
}
