import { createHmac } from 'node:crypto';
import { exportSPKI } from 'jose';
import { type AccessTokenKeys, InvalidAccessToken, mintAccessToken, readAccessToken } from './access-token.js';
import { signHs256Jwt } from './hs256-jwt.js';
import { identityProviderKeys } from './identity-provider-keys.js';
import { JwksServer, providerKey, providerToken } from './jwks-server.fixtures.js';

const SECRET = 'unit-test-secret-that-is-long-enough-ok';
const NOW = new Date('2024-11-05T09:00:00.000Z');
const seconds = NOW.getTime() / 1000;
const claims = { sub: 'agent-1', portalId: 'acme', team: 'support', roles: ['agent', 'admin'] };
const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'helpdesk';

async function reasonOf(token: string, at = NOW, keys: AccessTokenKeys = { secret: SECRET }): Promise<string> {
  try {
    await readAccessToken(token, keys, at);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('access tokens (HS256 JWT, verified by jose)', () => {
  it('reads back what it minted: portal, user, team, roles', async () => {
    const token = mintAccessToken(
      { portalId: 'acme', userId: 'agent-1', teamId: 'support', roles: ['agent'], expiresInSeconds: 60 },
      SECRET,
      NOW,
    );
    expect(await readAccessToken(token, { secret: SECRET }, NOW)).toEqual({
      portalId: 'acme',
      userId: 'agent-1',
      teamId: 'support',
      roles: ['agent'],
    });
    expect(await reasonOf(token, new Date(NOW.getTime() + 61_000 + 30_000))).toBe('expired');
  });

  it('refuses another secret, a changed payload, and any algorithm but HS256', async () => {
    const token = signHs256Jwt({ ...claims, exp: seconds + 60 }, SECRET);
    expect(await reasonOf(token, NOW, { secret: 'another-secret-that-is-long-enough-too' })).toBe('bad_signature');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, portalId: 'globex', exp: seconds + 60 })).toString(
      'base64url',
    );
    expect(await reasonOf(`${header}.${forged}.${signature}`)).toBe('bad_signature');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = token.split('.')[1];
    expect(await reasonOf(`${none}.${payload}.`)).toBe('malformed');
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url');
    const signed512 = createHmac('sha512', SECRET).update(`${hs512}.${payload}`).digest('base64url');
    expect(await reasonOf(`${hs512}.${payload}.${signed512}`)).toBe('malformed');
    expect(await reasonOf('a.b')).toBe('malformed');
    expect(await reasonOf(`${header}.${'A'.repeat(9000)}.${signature}`)).toBe('malformed');
  });

  it('needs exp, honours nbf, refuses an iat more than a minute ahead, and tokens without a portal, a user or a known role', async () => {
    expect(await reasonOf(signHs256Jwt(claims, SECRET))).toBe('malformed');
    expect(await reasonOf(signHs256Jwt({ ...claims, exp: 'tomorrow' }, SECRET))).toBe('malformed');
    expect(await reasonOf(signHs256Jwt({ ...claims, exp: seconds + 600, nbf: seconds + 300 }, SECRET))).toBe(
      'not_yet_valid',
    );
    expect(await reasonOf(signHs256Jwt({ ...claims, exp: seconds + 600, iat: seconds + 120 }, SECRET))).toBe(
      'not_yet_valid',
    );
    expect(await reasonOf(signHs256Jwt({ ...claims, exp: seconds + 600, iat: seconds + 50 }, SECRET))).toBe('accepted');
    for (const bad of [{ portalId: '' }, { sub: undefined }, { roles: ['guest'] }, { roles: 'agent' }, { team: 7 }]) {
      expect(await reasonOf(signHs256Jwt({ ...claims, ...bad, exp: seconds + 60 }, SECRET))).toBe('bad_claims');
    }
  });

  it('with an issuer and an audience configured, mints them and refuses tokens that lack them or say others', async () => {
    const keys = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };
    const request = { portalId: 'acme', userId: 'agent-1', roles: ['agent'] as const, expiresInSeconds: 60 };
    const minted = mintAccessToken(request, SECRET, NOW, keys);
    expect(await reasonOf(minted, NOW, keys)).toBe('accepted');
    expect(JSON.parse(Buffer.from(minted.split('.')[1], 'base64url').toString())).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: seconds,
    });
    expect(await reasonOf(mintAccessToken(request, SECRET, NOW), NOW, keys)).toBe('bad_claims');
    const exp = seconds + 60;
    expect(await reasonOf(signHs256Jwt({ ...claims, exp, iss: ISSUER, aud: 'billing' }, SECRET), NOW, keys)).toBe(
      'bad_claims',
    );
    expect(
      await reasonOf(signHs256Jwt({ ...claims, exp, iss: 'https://evil/', aud: AUDIENCE }, SECRET), NOW, keys),
    ).toBe('bad_claims');
    expect(
      await reasonOf(signHs256Jwt({ ...claims, exp, iss: ISSUER, aud: ['billing', AUDIENCE] }, SECRET), NOW, keys),
    ).toBe('accepted');
  });
});

describe("access tokens of the customer's identity provider (RS256/ES256 by kid, from AUTH_JWKS_URL)", () => {
  let server: JwksServer;
  const idpClaims = { ...claims, iss: ISSUER, aud: AUDIENCE, iat: seconds, exp: seconds + 300 };

  beforeEach(async () => {
    server = await JwksServer.start();
  });

  afterEach(() => server.close());

  function keysWith(options: { cooldownMs?: number; timeoutMs?: number } = {}): AccessTokenKeys {
    const jwks = identityProviderKeys(server.url, {
      timeoutMs: options.timeoutMs ?? 5_000,
      cooldownMs: options.cooldownMs ?? 3_600_000,
      cacheMaxAgeMs: 3_600_000,
    });
    return { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, jwks };
  }

  it('accepts RS256 and ES256 tokens of its keys, with the same claims as ours, and still HS256 tokens of the secret', async () => {
    const rsa = await providerKey('rsa-1', 'RS256');
    const ec = await providerKey('ec-1', 'ES256');
    server.publish(rsa, ec);
    const keys = keysWith();
    expect(await readAccessToken(await providerToken(rsa, idpClaims), keys, NOW)).toEqual({
      portalId: 'acme',
      userId: 'agent-1',
      teamId: 'support',
      roles: ['agent', 'admin'],
    });
    expect(await reasonOf(await providerToken(ec, idpClaims), NOW, keys)).toBe('accepted');
    expect(await reasonOf(await providerToken(rsa, { ...idpClaims, aud: 'billing' }), NOW, keys)).toBe('bad_claims');
    expect(await reasonOf(await providerToken(rsa, { ...idpClaims, exp: seconds - 60 }), NOW, keys)).toBe('expired');
    expect(await reasonOf(await providerToken(rsa, { ...idpClaims, exp: undefined }), NOW, keys)).toBe('malformed');
    expect(
      await reasonOf(mintAccessToken({ ...claimsRequest, expiresInSeconds: 60 }, SECRET, NOW, keys), NOW, keys),
    ).toBe('accepted');
    expect(server.fetches).toBe(1);
  });

  it('refuses algorithm confusion: RS256 without a JWKS, HS256 signed with the public key, a key under another kid', async () => {
    const rsa = await providerKey('rsa-1');
    server.publish(rsa);
    const token = await providerToken(rsa, idpClaims);
    expect(await reasonOf(token, NOW, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE })).toBe('malformed');
    const publicPem = await exportSPKI(rsa.publicKey);
    const hmacWithPublicKey = signHs256Jwt(idpClaims, publicPem);
    expect(await reasonOf(hmacWithPublicKey, NOW, keysWith())).toBe('bad_signature');
    const ec = await providerKey('ec-1', 'ES256');
    // An ES256 key that is not published, under the published RSA key's kid.
    expect(await reasonOf(await providerToken(ec, idpClaims, 'rsa-1'), NOW, keysWith())).toBe('unknown_key');
  });

  it('follows a key rotation: a token with a new kid fetches the key set again', async () => {
    const before = await providerKey('2024-10');
    const after = await providerKey('2024-11');
    server.publish(before);
    const keys = keysWith({ cooldownMs: 1 });
    expect(await reasonOf(await providerToken(before, idpClaims), NOW, keys)).toBe('accepted');
    server.publish(after);
    await new Promise((resolve) => setTimeout(resolve, 20)); // past the 1 ms cooldown
    expect(await reasonOf(await providerToken(after, idpClaims), NOW, keys)).toBe('accepted');
    expect(server.fetches).toBe(2);
  });

  it('fetches at most once per cooldown however many unknown kids arrive, and refuses them', async () => {
    const known = await providerKey('known');
    server.publish(known);
    const keys = keysWith();
    expect(await reasonOf(await providerToken(known, idpClaims), NOW, keys)).toBe('accepted');
    const reasons = await Promise.all(
      Array.from({ length: 20 }, async (_, index) =>
        reasonOf(await providerToken(known, idpClaims, `random-${index}`), NOW, keys),
      ),
    );
    expect(new Set(reasons)).toEqual(new Set(['unknown_key']));
    expect(server.fetches).toBe(1);
  });

  it('refuses tokens as keys_unavailable when the key set does not come within the timeout', async () => {
    const rsa = await providerKey('rsa-1');
    server.publish(rsa);
    server.silent = true;
    expect(await reasonOf(await providerToken(rsa, idpClaims), NOW, keysWith({ timeoutMs: 200 }))).toBe(
      'keys_unavailable',
    );
  });
});

const claimsRequest = { portalId: 'acme', userId: 'agent-1', roles: ['agent'] as const };
