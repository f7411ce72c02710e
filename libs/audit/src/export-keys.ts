import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Exports are signed with Ed25519: the operator keeps the private key (EXPORT_SIGNING_KEY, or the
 * install's own key in DATA_DIR); an auditor verifies with the public key alone, offline, and
 * cannot sign, so holding an export (or the public key) is not enough to forge one.
 */
export const SIGNATURE_ALGORITHM = 'Ed25519';

export interface ExportSigner {
  /** `ed25519:` and the first 32 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** base64url signature of these bytes. */
  sign(bytes: Buffer): string;
}

export interface ExportVerifyKey {
  readonly keyId: string;
  verify(bytes: Buffer, signature: string): boolean;
}

export function keyIdOf(publicKey: KeyObject): string {
  return `ed25519:${createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32)}`;
}

/** A private key as PKCS#8 PEM or base64 PKCS#8 DER; throws unless it is an Ed25519 private key. */
export function ed25519PrivateKey(text: string): KeyObject {
  const trimmed = text.trim().replace(/\\n/g, '\n');
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`not an Ed25519 key (${key.asymmetricKeyType ?? 'unknown'})`);
  return key;
}

export function exportSigner(privateKeyText: string): ExportSigner {
  const privateKey = ed25519PrivateKey(privateKeyText);
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (bytes) => sign(null, bytes, privateKey).toString('base64url'),
  };
}

/** A public key (SPKI PEM, or a private key's PEM, whose public half is taken); throws unless Ed25519. */
export function exportVerifyKey(keyText: string): ExportVerifyKey {
  const text = keyText.trim().replace(/\\n/g, '\n');
  const publicKey =
    /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text) || !text.startsWith('-----BEGIN')
      ? createPublicKey(ed25519PrivateKey(text))
      : createPublicKey(text);
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`not an Ed25519 key (${publicKey.asymmetricKeyType ?? 'unknown'})`);
  return verifyKeyOf(publicKey);
}

export function verifyKeyOf(publicKey: KeyObject): ExportVerifyKey {
  return {
    keyId: keyIdOf(publicKey),
    verify(bytes, signature) {
      if (typeof signature !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
      return verify(null, bytes, publicKey, Buffer.from(signature, 'base64url'));
    },
  };
}

/** The verify key of a signer: an install verifies its own exports. */
export function verifyKeyOfSigner(signer: ExportSigner): ExportVerifyKey {
  return exportVerifyKey(signer.publicKeyPem);
}
