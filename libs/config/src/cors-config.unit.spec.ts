import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ AUTH_JWT_SECRET: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('CORS configuration', () => {
  it('is off unless CORS_ORIGINS lists origins', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).cors).toEqual({ origins: [] });
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, CORS_ORIGINS: ' , ' }).cors).toEqual({ origins: [] });
  });

  it('reads origins as browsers send them: trimmed, lower-case host, default port and trailing slash dropped, once each', () => {
    const { cors } = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      CORS_ORIGINS: ' https://Desk.Example.com/ ,http://localhost:5173,https://desk.example.com:443, http://[::1]:8080',
    });
    expect(cors).toEqual({ origins: ['https://desk.example.com', 'http://localhost:5173', 'http://[::1]:8080'] });
  });

  it.each([
    'desk.example.com',
    'https://desk.example.com/app',
    'https://desk.example.com?x=1',
    'https://user:pw@desk.example.com',
    'ftp://desk.example.com',
    'null',
  ])('names CORS_ORIGINS for %s, which is not an origin', (entry) => {
    expect(problemsOf({ CORS_ORIGINS: `https://ok.example,${entry}` })).toEqual([
      `CORS_ORIGINS must list origins like https://desk.example.com (scheme, host, optional port; no path) (got '${entry}')`,
    ]);
  });

  it('allows * alone outside production only', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'development', CORS_ORIGINS: '*' }).cors).toEqual({
      origins: 'any',
    });
    expect(problemsOf({ CORS_ORIGINS: '*' })).toEqual([
      "CORS_ORIGINS='*' is for development and tests only, not NODE_ENV=production: list the origins",
    ]);
    expect(problemsOf({ NODE_ENV: 'test', CORS_ORIGINS: '*,https://ok.example' })).toEqual([
      "CORS_ORIGINS: '*' must stand alone (got '*,https://ok.example')",
    ]);
  });
});
