import { createHmac } from 'node:crypto';
import { InvalidAccessToken, mintAccessToken, readAccessToken } from './access-token.js';
import { signHs256Jwt } from './hs256-jwt.js';

const SECRET = 'unit-test-secret-that-is-long-enough-ok';
const NOW = new Date('2024-11-05T09:00:00.000Z');
const seconds = NOW.getTime() / 1000;
const claims = { sub: 'agent-1', portalId: 'acme', team: 'support', roles: ['agent', 'admin'] };

function reasonOf(token: string, at = NOW, secret = SECRET): string {
  try {
    readAccessToken(token, secret, at);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('access tokens (HS256 JWT)', () => {
  it('reads back what it minted: portal, user, team, roles', () => {
    const token = mintAccessToken(
      { portalId: 'acme', userId: 'agent-1', teamId: 'support', roles: ['agent'], expiresInSeconds: 60 },
      SECRET,
      NOW,
    );
    expect(readAccessToken(token, SECRET, NOW)).toEqual({
      portalId: 'acme',
      userId: 'agent-1',
      teamId: 'support',
      roles: ['agent'],
    });
    expect(reasonOf(token, new Date(NOW.getTime() + 61_000 + 30_000))).toBe('expired');
  });

  it('refuses another secret, a changed payload, and any algorithm but HS256', () => {
    const token = signHs256Jwt({ ...claims, exp: seconds + 60 }, SECRET);
    expect(reasonOf(token, NOW, 'another-secret-that-is-long-enough-too')).toBe('bad_signature');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, portalId: 'globex', exp: seconds + 60 })).toString(
      'base64url',
    );
    expect(reasonOf(`${header}.${forged}.${signature}`)).toBe('bad_signature');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = token.split('.')[1];
    expect(reasonOf(`${none}.${payload}.`)).toBe('malformed');
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url');
    const signed512 = createHmac('sha512', SECRET).update(`${hs512}.${payload}`).digest('base64url');
    expect(reasonOf(`${hs512}.${payload}.${signed512}`)).toBe('malformed');
    expect(reasonOf('a.b')).toBe('malformed');
  });

  it('needs exp, honours nbf, and refuses tokens without a portal, a user or a known role', () => {
    expect(reasonOf(signHs256Jwt(claims, SECRET))).toBe('malformed');
    expect(reasonOf(signHs256Jwt({ ...claims, exp: seconds + 600, nbf: seconds + 300 }, SECRET))).toBe('not_yet_valid');
    for (const bad of [{ portalId: '' }, { sub: undefined }, { roles: ['guest'] }, { roles: 'agent' }, { team: 7 }]) {
      expect(reasonOf(signHs256Jwt({ ...claims, ...bad, exp: seconds + 60 }, SECRET))).toBe('bad_claims');
    }
  });
});
