import { ConfigError, loadConfig } from './load-config.js';

const base = { DATA_DIR: '/tmp/metrics-config', AUTH_JWT_SECRET: 'x'.repeat(40) };
const token = 'a'.repeat(40);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('metrics configuration', () => {
  it('serves /metrics openly on the main port only outside production when nothing is set', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).metrics).toEqual({
      port: null,
      token: null,
      onMainPort: 'open',
    });
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).metrics.onMainPort).toBe('open');
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).metrics.onMainPort).toBe('off');
  });

  it('moves /metrics to METRICS_PORT, and behind METRICS_TOKEN on the main port', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'development', METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      token: null,
      onMainPort: 'off',
    });
    expect(loadConfig({ ...base, NODE_ENV: 'production', METRICS_TOKEN: token }).metrics).toEqual({
      port: null,
      token,
      onMainPort: 'token',
    });
    expect(loadConfig({ ...base, METRICS_PORT: '0', METRICS_TOKEN: token }).metrics).toEqual({
      port: 0,
      token,
      onMainPort: 'token',
    });
  });

  it.each([
    [{ METRICS_PORT: 'abc' }, /METRICS_PORT must be an integer from 0 to 65535 \(got 'abc'\)/],
    [{ METRICS_PORT: '70000' }, /METRICS_PORT must be an integer/],
    [{ METRICS_PORT: '-1' }, /METRICS_PORT must be an integer/],
    [{ METRICS_PORT: '8080', PORT: '8080' }, /METRICS_PORT must differ from PORT/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 32 characters/],
    [{ METRICS_TOKEN: `${token} x` }, /METRICS_TOKEN must be at least 32 characters without spaces/],
  ])('names the variable when %p is bad', (env, problem) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
    expect(problems[0]).not.toContain(token);
  });
});
