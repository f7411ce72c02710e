import type { JWTVerifyGetKey } from 'jose';
import { type AccessTokenKeys, InvalidAccessToken, mintAccessToken, readAccessToken } from './access-token.js';
import { providerKey, providerToken } from './jwks-server.fixtures.js';
import { VERIFIED_TOKEN_REUSE_MS, VerifiedTokens } from './verified-tokens.js';

const SECRET = 'unit-test-secret-that-is-long-enough-ok';
const NOW = new Date('2024-11-05T09:00:00.000Z');
const seconds = NOW.getTime() / 1000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const user = { portalId: 'acme', userId: 'agent-1', teamId: null, roles: ['agent' as const] };

async function reasonOf(token: string, keys: AccessTokenKeys, when: Date): Promise<string> {
  try {
    await readAccessToken(token, keys, when);
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidAccessToken) return error.reason;
    throw error;
  }
}

describe('a verified token is remembered, within bounds', () => {
  /** The identity provider's key, through a getter that counts how often jose asks for it: one call per verification. */
  async function countingKeys(): Promise<{ keys: AccessTokenKeys; token: string; verifications: () => number }> {
    const key = await providerKey('rsa-1');
    let calls = 0;
    const jwks: JWTVerifyGetKey = async () => {
      calls += 1;
      return key.publicKey;
    };
    const token = await providerToken(key, {
      sub: 'agent-1',
      portalId: 'acme',
      roles: ['agent'],
      exp: seconds + 3_600,
    });
    return { keys: { secret: SECRET, jwks }, token, verifications: () => calls };
  }

  it('verifies once per token and configuration, and answers the same caller after', async () => {
    const { keys, token, verifications } = await countingKeys();
    const first = await readAccessToken(token, keys, NOW);
    expect(await readAccessToken(token, keys, at(1_000))).toEqual(first);
    expect(await readAccessToken(token, keys, at(VERIFIED_TOKEN_REUSE_MS - 1))).toEqual(first);
    expect(verifications()).toBe(1);
    // Another configuration (another keys object) remembers nothing of it.
    const other = { ...keys };
    await readAccessToken(token, other, at(1_000));
    expect(verifications()).toBe(2);
  });

  it('verifies again after a minute, when the clock went back, and never accepts past exp', async () => {
    const { keys, token, verifications } = await countingKeys();
    await readAccessToken(token, keys, NOW);
    await readAccessToken(token, keys, at(VERIFIED_TOKEN_REUSE_MS));
    expect(verifications()).toBe(2);
    await readAccessToken(token, keys, at(VERIFIED_TOKEN_REUSE_MS - 5_000));
    expect(verifications()).toBe(3);

    // A token remembered seconds before its exp (30 s of clock tolerance) is refused once past it.
    const short = mintAccessToken({ ...user, teamId: undefined, expiresInSeconds: 10 }, SECRET, NOW);
    const hs = { secret: SECRET };
    expect(await reasonOf(short, hs, at(39_000))).toBe('accepted');
    expect(await reasonOf(short, hs, at(39_999))).toBe('accepted');
    expect(await reasonOf(short, hs, at(40_000))).toBe('expired');
  });

  it('refuses a remembered token once the secret changed, and remembers no refusal', async () => {
    let secret = SECRET;
    const keys: AccessTokenKeys = {
      get secret() {
        return secret;
      },
    };
    const token = mintAccessToken({ ...user, teamId: undefined, expiresInSeconds: 600 }, SECRET, NOW);
    expect(await reasonOf(token, keys, NOW)).toBe('accepted');
    secret = 'a-rotated-secret-that-is-long-enough-too';
    expect(await reasonOf(token, keys, at(1))).toBe('bad_signature');
    secret = SECRET;
    expect(await reasonOf(token, keys, at(2))).toBe('accepted');
    expect(await reasonOf(`${token}x`, keys, at(3))).toBe('bad_signature');
    expect(await reasonOf(`${token}x`, keys, at(4))).toBe('bad_signature');
  });

  it('is bounded in characters: the least recently used token goes first, one larger than the budget is not kept', () => {
    const tokens = new VerifiedTokens(1_000);
    const token = (n: number) => String(n).padEnd(300, '.');
    const now = NOW.getTime();
    const until = now + 3_600_000;
    for (const n of [1, 2, 3]) tokens.remember(token(n), SECRET, user, now, until);
    expect(tokens.get(token(1), SECRET, now)).toBe(user); // 1 is now the most recent
    tokens.remember(token(4), SECRET, user, now, until); // 1,200 characters: 2 goes
    expect(tokens.size).toBe(3);
    expect(tokens.get(token(2), SECRET, now)).toBeUndefined();
    for (const n of [1, 3, 4]) expect(tokens.get(token(n), SECRET, now)).toBe(user);
    tokens.remember('x'.repeat(1_001), SECRET, user, now, until);
    expect(tokens.get('x'.repeat(1_001), SECRET, now)).toBeUndefined();
    expect(tokens.size).toBe(3);
  });
});
