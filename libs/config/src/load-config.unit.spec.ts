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
