import type { AppConfig } from '@helpdesk/config';
import { type AccessTokenKeys, identityProviderKeys } from '@helpdesk/auth';

const keysOfConfig = new WeakMap<AppConfig, AccessTokenKeys>();

/**
 * The keys bearer tokens are checked with, one set per configuration: the identity provider's key
 * cache (AUTH_JWKS_URL) must outlive a request, or every request would fetch it again.
 */
export function accessTokenKeysOf(config: AppConfig): AccessTokenKeys {
  let keys = keysOfConfig.get(config);
  if (!keys) {
    const { issuer, audience, jwksUrl } = config.accessTokens;
    const jwks = jwksUrl ? identityProviderKeys(jwksUrl) : undefined;
    keys = {
      // A getter: this install's own secret is read from DATA_DIR on first use, as before.
      get secret() {
        return config.auth.jwtSecret;
      },
      ...(issuer && { issuer }),
      ...(audience && { audience }),
      ...(jwks && { jwks }),
    };
    keysOfConfig.set(config, keys);
  }
  return keys;
}
