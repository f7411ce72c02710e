import { accessTokenConfigFrom } from './access-token-config.js';

function parsed(env: Record<string, string>) {
  const problems: string[] = [];
  const config = accessTokenConfigFrom(env, problems);
  return { config, problems };
}

describe('access token config (AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE, AUTH_JWKS_URL)', () => {
  it('is empty without the variables: HS256 tokens of AUTH_JWT_SECRET, no iss or aud', () => {
    expect(parsed({})).toEqual({ config: {}, problems: [] });
    expect(parsed({ AUTH_JWT_ISSUER: ' ', AUTH_JWKS_URL: '' })).toEqual({ config: {}, problems: [] });
  });

  it('reads an issuer, an audience and an https JWKS URL', () => {
    const { config, problems } = parsed({
      AUTH_JWT_ISSUER: 'https://idp.example.com/',
      AUTH_JWT_AUDIENCE: 'helpdesk',
      AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
    });
    expect(problems).toEqual([]);
    expect(config.issuer).toBe('https://idp.example.com/');
    expect(config.audience).toBe('helpdesk');
    expect(config.jwksUrl?.href).toBe('https://idp.example.com/.well-known/jwks.json');
    expect(parsed({ AUTH_JWT_AUDIENCE: 'helpdesk' }).config).toEqual({ audience: 'helpdesk' });
  });

  it('refuses a JWKS URL without issuer and audience, in clear text to another host, or not a URL', () => {
    expect(parsed({ AUTH_JWKS_URL: 'https://idp.example.com/jwks' }).problems).toEqual([
      expect.stringContaining('AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE'),
    ]);
    const both = { AUTH_JWT_ISSUER: 'idp', AUTH_JWT_AUDIENCE: 'helpdesk' };
    expect(parsed({ ...both, AUTH_JWKS_URL: 'http://idp.example.com/jwks' }).problems).toEqual([
      expect.stringContaining('AUTH_JWKS_URL must be https'),
    ]);
    expect(parsed({ ...both, AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).problems).toEqual([]);
    expect(parsed({ ...both, AUTH_JWKS_URL: 'jwks.json' }).problems).toEqual([
      expect.stringContaining('AUTH_JWKS_URL must be a URL'),
    ]);
    expect(parsed({ AUTH_JWT_ISSUER: 'x'.repeat(501) }).problems).toEqual([
      expect.stringContaining('AUTH_JWT_ISSUER must be at most 500'),
    ]);
  });
});
