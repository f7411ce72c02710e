import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('GraphQL rate limit settings', () => {
  it('default to 50 requests per second per portal with bursts of 100', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).rateLimits).toMatchObject({
      graphqlPerSecond: 50,
      graphqlBurst: 100,
    });
  });

  it('are off by default under NODE_ENV=test, and on when set there', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'test' }).rateLimits.graphqlPerSecond).toBe(0);
    const set = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      NODE_ENV: 'test',
      GRAPHQL_RATE_LIMIT: '2.5',
      GRAPHQL_RATE_LIMIT_BURST: '5',
    });
    expect(set.rateLimits).toMatchObject({ graphqlPerSecond: 2.5, graphqlBurst: 5 });
  });

  it('turn off with GRAPHQL_RATE_LIMIT=0', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, GRAPHQL_RATE_LIMIT: '0' }).rateLimits.graphqlPerSecond).toBe(0);
  });

  it('name each bad value', () => {
    const attempt = () =>
      loadConfig({ AUTH_JWT_SECRET: SECRET, GRAPHQL_RATE_LIMIT: '-1', GRAPHQL_RATE_LIMIT_BURST: '1.5' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/GRAPHQL_RATE_LIMIT must be a non-negative number \(got '-1'\)/);
    expect(attempt).toThrow(/GRAPHQL_RATE_LIMIT_BURST must be a positive integer \(got '1.5'\)/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, GRAPHQL_RATE_LIMIT_BURST: '0' })).toThrow(
      /GRAPHQL_RATE_LIMIT_BURST must be a positive integer/,
    );
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, GRAPHQL_RATE_LIMIT: 'lots' })).toThrow(
      /GRAPHQL_RATE_LIMIT must be/,
    );
  });
});

describe('media rate limit settings', () => {
  it('default to 20 GET /media/:id per second per portal with bursts of 100, off under NODE_ENV=test', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).rateLimits).toMatchObject({ mediaPerSecond: 20, mediaBurst: 100 });
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'test' }).rateLimits.mediaPerSecond).toBe(0);
  });

  it('are set apart from the GraphQL ones, and name each bad value', () => {
    const set = loadConfig({ AUTH_JWT_SECRET: SECRET, MEDIA_RATE_LIMIT: '0.5', MEDIA_RATE_LIMIT_BURST: '4' });
    expect(set.rateLimits).toEqual({ graphqlPerSecond: 50, graphqlBurst: 100, mediaPerSecond: 0.5, mediaBurst: 4 });
    const attempt = () => loadConfig({ AUTH_JWT_SECRET: SECRET, MEDIA_RATE_LIMIT: '-1', MEDIA_RATE_LIMIT_BURST: '0' });
    expect(attempt).toThrow(/MEDIA_RATE_LIMIT must be a non-negative number \(got '-1'\)/);
    expect(attempt).toThrow(/MEDIA_RATE_LIMIT_BURST must be a positive integer \(got '0'\)/);
  });
});
