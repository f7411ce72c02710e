import { ConfigError, loadConfig } from './load-config.js';
import { SEARCH_LIMIT_DEFAULTS } from './search-limits-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('search limits configuration', () => {
  it('has defaults', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).search).toEqual(SEARCH_LIMIT_DEFAULTS);
  });

  it('reads every variable', () => {
    const { search } = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      SEARCH_MAX_SCAN_ROWS: '20000000',
      SEARCH_MAX_CONCURRENT: '1',
      SEARCH_MAX_WAITING: '0',
      SEARCH_STATEMENT_TIMEOUT_MS: '500',
    });
    expect(search).toEqual({ maxScanRows: 20_000_000, maxConcurrent: 1, maxWaiting: 0, statementTimeoutMs: 500 });
  });

  it('refuses values that are not whole numbers in range, naming each variable', () => {
    const load = () =>
      loadConfig({
        AUTH_JWT_SECRET: SECRET,
        SEARCH_MAX_SCAN_ROWS: '0',
        SEARCH_MAX_CONCURRENT: 'two',
        SEARCH_MAX_WAITING: '-1',
        SEARCH_STATEMENT_TIMEOUT_MS: '1.5',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SEARCH_MAX_SCAN_ROWS must be an integer of at least 1/);
    expect(load).toThrow(/SEARCH_MAX_CONCURRENT/);
    expect(load).toThrow(/SEARCH_MAX_WAITING/);
    expect(load).toThrow(/SEARCH_STATEMENT_TIMEOUT_MS/);
  });
});
