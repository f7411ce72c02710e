import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A signing key of a test identity provider, with the `kid` it publishes it under. */
export interface ProviderKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

export async function providerKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A token as the identity provider would sign it, with `key`'s kid in its header. */
export function providerToken(key: ProviderKey, claims: JWTPayload, kid = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(key.privateKey);
}

/**
 * An identity provider's JWKS endpoint on 127.0.0.1: `publish` changes the keys it serves (a key
 * rotation), `fetches` counts the requests it answered, `silent` makes it hold requests unanswered.
 */
export class JwksServer {
  fetches = 0;
  silent = false;
  private keys: JWK[] = [];
  private readonly held: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<JwksServer> {
    let jwks: JwksServer | undefined;
    const server = createServer((_request, response) => {
      if (jwks?.silent) {
        jwks.held.push(() => response.destroy());
        return;
      }
      jwks!.fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks!.keys }));
    });
    jwks = new JwksServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`);
  }

  publish(...keys: ProviderKey[]): void {
    this.keys = keys.map((key) => key.jwk);
  }

  async close(): Promise<void> {
    for (const release of this.held.splice(0)) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
