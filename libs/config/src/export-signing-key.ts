import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExportSigningConfig } from './app-config.js';

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
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    // 'wx': if two processes start at once, one writes and the other reads the winner's key.
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8');
}
