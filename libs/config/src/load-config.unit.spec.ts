import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DEFAULT_HEAP_GROWTH_PERCENT,
  DEFAULT_READ_STORE_CACHE_MIB,
  loadConfig,
  withServiceDefaults,
} from './load-config.js';

/** Production needs a secret of its own to start at all. */
const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('loadConfig', () => {
  it('defaults to the embedded stores under ./data', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET });
    expect(config.eventStore).toEqual({ adapter: 'sqlite', dataDir: expect.stringMatching(/\/data$/) });
    expect(config.readStore).toEqual({
      dialect: 'sqlite',
      file: expect.stringMatching(/\/data\/read-models\.sqlite$/),
      cacheMiB: DEFAULT_READ_STORE_CACHE_MIB,
    });
    expect(config.port).toBe(3000);
    expect(config.environment).toBe('production');
  });

  it('uses EventStoreDB and PostgreSQL when their URLs are set', () => {
    const config = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      READ_STORE_URL: 'postgres://localhost/test',
    });
    expect(config.eventStore).toEqual({ adapter: 'eventstoredb', connectionString: 'esdb://localhost:2113?tls=false' });
    expect(config.readStore).toEqual({ dialect: 'postgres', connectionString: 'postgres://localhost/test' });
  });

  it("sizes the SQLite read store's page cache from READ_STORE_CACHE_MIB, refusing what is not a whole number of MiB", () => {
    const cacheOf = (value: string) => {
      const { readStore } = loadConfig({ AUTH_JWT_SECRET: SECRET, READ_STORE_CACHE_MIB: value });
      return readStore.dialect === 'sqlite' ? readStore.cacheMiB : undefined;
    };
    expect(DEFAULT_READ_STORE_CACHE_MIB).toBe(64);
    expect(cacheOf('')).toBe(64);
    expect(cacheOf('256')).toBe(256);
    for (const bad of ['0', '-8', '1.5', 'lots', '4097']) {
      expect(() => cacheOf(bad)).toThrow(
        new RegExp(`READ_STORE_CACHE_MIB must be a whole number of MiB from 1 to 4096 \\(got '${bad}'\\)`),
      );
    }
  });

  it("bounds the API heap's growth with HEAP_GROWTH_PERCENT (25 by default, 0 for V8's own), refusing anything else", () => {
    const growthOf = (value: string) =>
      loadConfig({ AUTH_JWT_SECRET: SECRET, HEAP_GROWTH_PERCENT: value }).heapGrowthPercent;
    expect(DEFAULT_HEAP_GROWTH_PERCENT).toBe(25);
    expect(growthOf('')).toBe(25);
    expect(growthOf('0')).toBe(0);
    expect(growthOf('100')).toBe(100);
    for (const bad of ['-1', '12.5', 'some', '401']) {
      expect(() => growthOf(bad)).toThrow(
        new RegExp(
          `HEAP_GROWTH_PERCENT must be a whole number from 0 \\(V8's own heuristics\\) to 400 \\(got '${bad}'\\)`,
        ),
      );
    }
  });

  it('runs the read models in the API unless PROJECTIONS=off hands them to the projector worker', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).projections).toBe('in-process');
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, PROJECTIONS: 'off' }).projections).toBe('off');
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, PROJECTIONS: 'child-process' }).projections).toBe('child-process');
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, PROJECTIONS: 'elsewhere' })).toThrow(
      /PROJECTIONS must be one of in-process, child-process, off \(got 'elsewhere'\)/,
    );
  });

  it('the API service (its entry point) runs the read models in a child process unless PROJECTIONS says otherwise', () => {
    expect(loadConfig(withServiceDefaults({ AUTH_JWT_SECRET: SECRET })).projections).toBe('child-process');
    expect(loadConfig(withServiceDefaults({ AUTH_JWT_SECRET: SECRET, PROJECTIONS: '' })).projections).toBe(
      'child-process',
    );
    for (const mode of ['in-process', 'off'] as const)
      expect(loadConfig(withServiceDefaults({ AUTH_JWT_SECRET: SECRET, PROJECTIONS: mode })).projections).toBe(mode);
  });

  it('reads the WhatsApp Cloud API settings, each half off until configured', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).whatsapp).toEqual({
      apiUrl: 'https://graph.facebook.com/v26.0',
      graphApiVersion: 'v26.0',
      ownershipCheck: 'graph-api',
    });
    const config = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_APP_SECRET: 'app-secret',
      WHATSAPP_ACCESS_TOKEN: 'access-token',
      WHATSAPP_API_URL: 'http://127.0.0.1:9999/graph-proxy/',
      WHATSAPP_GRAPH_API_VERSION: 'v24.0',
    });
    expect(config.whatsapp).toEqual({
      verifyToken: 'verify-me',
      appSecret: 'app-secret',
      accessToken: 'access-token',
      apiUrl: 'http://127.0.0.1:9999/graph-proxy/v24.0',
      graphApiVersion: 'v24.0',
      ownershipCheck: 'graph-api',
    });
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, WHATSAPP_API_URL: 'graph.facebook.com' })).toThrow(
      /WHATSAPP_API_URL must be an http/,
    );
  });

  it('sets the Graph API version in WHATSAPP_GRAPH_API_VERSION only', () => {
    expect(() =>
      loadConfig({ AUTH_JWT_SECRET: SECRET, WHATSAPP_API_URL: 'https://graph.facebook.com/v21.0/' }),
    ).toThrow(
      "WHATSAPP_API_URL is the base URL without the version (got 'https://graph.facebook.com/v21.0'): " +
        "drop '/v21.0' and set WHATSAPP_GRAPH_API_VERSION=v21.0 if that version is wanted",
    );
    for (const version of ['26.0', 'v26', 'latest', 'v26.0/']) {
      expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, WHATSAPP_GRAPH_API_VERSION: version })).toThrow(
        `WHATSAPP_GRAPH_API_VERSION must be a Graph API version like v26.0 (got '${version}')`,
      );
    }
  });

  it('asks Meta who holds a number unless told otherwise, and never lets production turn that off', () => {
    const check = (env: Record<string, string>) =>
      loadConfig({ AUTH_JWT_SECRET: SECRET, ...env }).whatsapp.ownershipCheck;
    expect(check({})).toBe('graph-api');
    expect(check({ NODE_ENV: 'development' })).toBe('graph-api');
    expect(check({ NODE_ENV: 'test' })).toBe('off');
    expect(check({ NODE_ENV: 'test', WHATSAPP_OWNERSHIP_CHECK: 'graph-api' })).toBe('graph-api');
    expect(check({ NODE_ENV: 'development', WHATSAPP_OWNERSHIP_CHECK: 'off' })).toBe('off');
    expect(() => check({ WHATSAPP_OWNERSHIP_CHECK: 'off' })).toThrow(
      /WHATSAPP_OWNERSHIP_CHECK=off is for development and tests only/,
    );
    expect(() => check({ NODE_ENV: 'test', WHATSAPP_OWNERSHIP_CHECK: 'maybe' })).toThrow(
      /WHATSAPP_OWNERSHIP_CHECK must be one of graph-api, off/,
    );
  });

  it('names every bad variable at once', () => {
    const attempt = () =>
      loadConfig({
        AUTH_JWT_SECRET: SECRET,
        PORT: '70000',
        EVENTSTORE_URL: 'http://nope',
        READ_STORE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT must be an integer/);
      expect(problems).toMatch(/EVENTSTORE_URL must be an esdb:\/\//);
      expect(problems).toMatch(/READ_STORE_URL must be a postgres:\/\//);
      expect(problems).toMatch(/LOG_LEVEL must be one of/);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('keeps an unsent upload 24 hours and 200 per portal by default, the settings otherwise, and refuses bad values', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).mediaUploads).toEqual({
      ttlMs: 86_400_000,
      maxPendingPerPortal: 200,
    });
    expect(
      loadConfig({ AUTH_JWT_SECRET: SECRET, MEDIA_UPLOAD_TTL_HOURS: '1.5', MEDIA_UPLOAD_MAX_PENDING: '20' })
        .mediaUploads,
    ).toEqual({ ttlMs: 5_400_000, maxPendingPerPortal: 20 });
    for (const value of ['0', '-1', '721', 'a day'])
      expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, MEDIA_UPLOAD_TTL_HOURS: value })).toThrow(
        /MEDIA_UPLOAD_TTL_HOURS must be a number of hours above 0, at most 720/,
      );
    for (const value of ['0', '1.5', '100001', 'many'])
      expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, MEDIA_UPLOAD_MAX_PENDING: value })).toThrow(
        /MEDIA_UPLOAD_MAX_PENDING must be a whole number of uploads from 1 to 100000/,
      );
  });

  it('keeps a reveal visible to its auditor 24 hours by default, REVEAL_VISIBLE_HOURS otherwise, and refuses a bad value', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).revealVisibleMs).toBe(24 * 3_600_000);
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, REVEAL_VISIBLE_HOURS: '0.5' }).revealVisibleMs).toBe(1_800_000);
    for (const value of ['0', '-1', 'soon', '1e9']) {
      expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, REVEAL_VISIBLE_HOURS: value })).toThrow(
        /REVEAL_VISIBLE_HOURS must be a number of hours/,
      );
    }
  });

  it('uses AUTH_JWT_SECRET when set and refuses a short one', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(
      /AUTH_JWT_SECRET must be at least 32 characters \(got 5\)/,
    );
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).auth).toEqual({ jwtSecret: SECRET, jwtSecretSource: 'environment' });
  });

  it('without AUTH_JWT_SECRET, signs with a random secret of this install, kept private in DATA_DIR', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      const first = loadConfig({ DATA_DIR: dataDir }).auth;
      expect(first.jwtSecretSource).toBe('data-dir');
      expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(statSync(join(dataDir, 'auth-jwt-secret')).mode & 0o777).toBe(0o600);
      // Another process on the same data (the helpdesk CLI) signs with the same secret.
      expect(loadConfig({ DATA_DIR: dataDir }).auth.jwtSecret).toBe(first.jwtSecret);
      const otherDir = mkdtempSync(join(tmpdir(), 'config-'));
      expect(loadConfig({ DATA_DIR: otherDir }).auth.jwtSecret).not.toBe(first.jwtSecret);
      rmSync(otherDir, { recursive: true, force: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('signs exports with a key of its own in DATA_DIR (0600) when EXPORT_SIGNING_KEY is unset, the same for every process', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      const first = loadConfig({ DATA_DIR: dataDir }).exportSigning;
      expect(first).toMatchObject({ source: 'data-dir', keyFile: join(dataDir, 'export-signing-key.pem') });
      expect(first.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(statSync(join(dataDir, 'export-signing-key.pem')).mode & 0o777).toBe(0o600);
      expect(loadConfig({ DATA_DIR: dataDir }).exportSigning.privateKeyPem).toBe(first.privateKeyPem);
      const otherDir = mkdtempSync(join(tmpdir(), 'config-'));
      expect(loadConfig({ DATA_DIR: otherDir }).exportSigning.privateKeyPem).not.toBe(first.privateKeyPem);
      rmSync(otherDir, { recursive: true, force: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
