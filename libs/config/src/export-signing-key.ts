import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { ExportSigningConfig } from './app-config.js';
import { readOrCreateSecretFile } from './data-dir-secret.js';

export const EXPORT_SIGNING_KEY_FILE = 'export-signing-key.pem';

/**
 * Whether EXPORT_SIGNING_KEY is an Ed25519 private key (PKCS#8 PEM, `\n` escapes allowed, or base64
 * PKCS#8 DER). The problem names the variable and what was found, never the value.
 */
export function exportSigningKeyProblem(value: string): string | null {
  const text = value.trim().replace(/\\n/g, '\n');
  try {
    const key = text.startsWith('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType === 'ed25519') return null;
    return `EXPORT_SIGNING_KEY must be an Ed25519 private key (got a ${key.asymmetricKeyType ?? 'unknown'} key)`;
  } catch {
    return 'EXPORT_SIGNING_KEY must be an Ed25519 private key, PKCS#8 PEM or base64 DER (it could not be read as one)';
  }
}

/**
 * Without EXPORT_SIGNING_KEY, each install signs its exports with an Ed25519 key of its own, made
 * on first use and kept beside its data (mode 0600), as the JWT secret is: the API and the CLI on
 * the same DATA_DIR sign and verify with the same key, and `helpdesk export public-key` prints the
 * public half for auditors.
 */
export function exportSigningConfigFrom(environmentKey: string | undefined, keyFile: string): ExportSigningConfig {
  if (environmentKey) return { privateKeyPem: environmentKey, source: 'environment' };
  let key: string | undefined;
  return {
    source: 'data-dir',
    keyFile,
    get privateKeyPem(): string {
      key ??= readOrCreateKey(keyFile);
      return key;
    },
  };
}

function readOrCreateKey(file: string): string {
  return readOrCreateSecretFile(file, () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
}
