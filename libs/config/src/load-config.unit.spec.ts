import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('defaults to the embedded stores under ./data', () => {
    const config = loadConfig({});
    expect(config.eventStore).toEqual({ adapter: 'sqlite', dataDir: expect.stringMatching(/\/data$/) });
    expect(config.readStore).toEqual({ dialect: 'sqlite', file: expect.stringMatching(/\/data\/read-models\.sqlite$/) });
    expect(config.port).toBe(3000);
    expect(config.environment).toBe('production');
  });

  it('uses EventStoreDB and PostgreSQL when their URLs are set', () => {
    const config = loadConfig({
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      READ_STORE_URL: 'postgres://localhost/test',
    });
    expect(config.eventStore).toEqual({ adapter: 'eventstoredb', connectionString: 'esdb://localhost:2113?tls=false' });
    expect(config.readStore).toEqual({ dialect: 'postgres', connectionString: 'postgres://localhost/test' });
  });

  it('reads the WhatsApp Cloud API settings, each half off until configured', () => {
    expect(loadConfig({}).whatsapp).toEqual({ apiUrl: 'https://graph.facebook.com/v21.0' });
    const config = loadConfig({
      WHATSAPP_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_APP_SECRET: 'app-secret',
      WHATSAPP_ACCESS_TOKEN: 'access-token',
      WHATSAPP_API_URL: 'http://127.0.0.1:9999/v21.0/',
    });
    expect(config.whatsapp).toEqual({
      verifyToken: 'verify-me',
      appSecret: 'app-secret',
      accessToken: 'access-token',
      apiUrl: 'http://127.0.0.1:9999/v21.0',
    });
    expect(() => loadConfig({ WHATSAPP_API_URL: 'graph.facebook.com' })).toThrow(/WHATSAPP_API_URL must be an http/);
  });

  it('names every bad variable at once', () => {
    const attempt = () =>
      loadConfig({ PORT: '70000', EVENTSTORE_URL: 'http://nope', READ_STORE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
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
});
