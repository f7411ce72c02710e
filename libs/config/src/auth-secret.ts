import { randomBytes } from 'node:crypto';
import type { AuthConfig } from './app-config.js';
import { readOrCreateSecretFile } from './data-dir-secret.js';

export const JWT_SECRET_FILE = 'auth-jwt-secret';

/**
 * Without AUTH_JWT_SECRET, each install signs tokens with a random secret of its own, made on
 * first use and kept beside its data (mode 0600), so a fresh install starts safely with one
 * command and the `helpdesk` CLI on the same DATA_DIR mints tokens the API accepts.
 */
export function authConfigFrom(environmentSecret: string | undefined, secretFile: string): AuthConfig {
  if (environmentSecret) return { jwtSecret: environmentSecret, jwtSecretSource: 'environment' };
  let secret: string | undefined;
  return {
    jwtSecretSource: 'data-dir',
    secretFile,
    get jwtSecret(): string {
      secret ??= readOrCreateSecret(secretFile);
      return secret;
    },
  };
}

function readOrCreateSecret(file: string): string {
  return readOrCreateSecretFile(file, () => `${randomBytes(48).toString('base64url')}\n`).trim();
}
