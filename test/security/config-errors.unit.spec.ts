import { generateKeyPairSync } from 'node:crypto';
import { jest } from '@jest/globals';
import { ConfigError, loadConfig, loadConfigOrExit } from '@helpdesk/config';

const SECRETS = {
  WHATSAPP_APP_SECRET: 'config-suite-app-secret-91b2',
  WHATSAPP_ACCESS_TOKEN: 'config-suite-access-token-c4d8',
  AUTH_JWT_SECRET: 'config-suite-jwt-secret-that-is-long-enough-e5f6',
};
/** Every other variable wrong, so every check that can complain does. */
const BAD = {
  PORT: 'eighty',
  LOG_LEVEL: 'loud',
  NODE_ENV: 'staging',
  PROJECTIONS: 'maybe',
  WHATSAPP_API_URL: 'graph.facebook.com',
  GRAPHQL_RATE_LIMIT: '-5',
};

class Exited extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`exit ${code}`);
  }
}

/** A start-up with bad configuration names every bad variable, and never the value of a secret. */
describe('configuration errors', () => {
  afterEach(() => jest.restoreAllMocks());

  it('name each bad variable on stderr and exit 1, without the value of any secret', () => {
    let stderr = '';
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((text: string | Uint8Array) => ((stderr += String(text)), true));
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Exited(code);
    });

    expect(() => loadConfigOrExit({ ...SECRETS, ...BAD })).toThrow(new Exited(1));
    for (const name of Object.keys(BAD)) expect(stderr).toContain(name);
    for (const secret of Object.values(SECRETS)) expect(stderr).not.toContain(secret);
  });

  it('mask the credentials of a malformed connection string', () => {
    const attempt = () =>
      loadConfig({
        ...SECRETS,
        READ_STORE_URL: 'mysql://ops:pg-password-7a1c@db.internal/helpdesk',
        EVENTSTORE_URL: 'http://admin:esdb-password-2b9d@esdb:2113',
      });
    expect(attempt).toThrow(
      /READ_STORE_URL must be a postgres:\/\/ connection string \(got 'mysql:\/\/\*\*\*@db.internal\/helpdesk'\)/,
    );
    expect(attempt).not.toThrow(/pg-password-7a1c|esdb-password-2b9d/);
  });

  it('refuse a short JWT secret by its length, not its value', () => {
    const short = 'hunter2-is-short';
    const attempt = () => loadConfig({ ...SECRETS, AUTH_JWT_SECRET: short });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`AUTH_JWT_SECRET must be at least 32 characters (got ${short.length})`);
    expect(attempt).not.toThrow(short);
  });

  it('refuse an export signing key that is not an Ed25519 private key, without its value', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const body = p256.split('\n')[1];
    expect(() => loadConfig({ ...SECRETS, EXPORT_SIGNING_KEY: p256 })).toThrow(
      'EXPORT_SIGNING_KEY must be an Ed25519 private key (got a ec key)',
    );
    expect(() => loadConfig({ ...SECRETS, EXPORT_SIGNING_KEY: p256 })).not.toThrow(body);
    const garbage = 'not-a-key-but-a-secret-anyway-4e1f';
    expect(() => loadConfig({ ...SECRETS, EXPORT_SIGNING_KEY: garbage })).toThrow(
      /EXPORT_SIGNING_KEY must be an Ed25519 private key, PKCS#8 PEM or base64 DER/,
    );
    expect(() => loadConfig({ ...SECRETS, EXPORT_SIGNING_KEY: garbage })).not.toThrow(garbage);
    const ed25519 = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'der' })
      .toString('base64');
    expect(loadConfig({ ...SECRETS, EXPORT_SIGNING_KEY: ed25519 }).exportSigning).toMatchObject({
      source: 'environment',
      privateKeyPem: ed25519,
    });
  });
});
