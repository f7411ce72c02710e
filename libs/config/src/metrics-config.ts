import type { MetricsConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** A bearer token shorter than this is guessable; `openssl rand -hex 32` gives 64 characters. */
export const MIN_METRICS_TOKEN_LENGTH = 32;

/**
 * Where Prometheus scrapes `/metrics` (see apps/api/src/metrics). METRICS_PORT: a separate small
 * listener on HOST (0: any free port, for tests), meant to stay inside the network. METRICS_TOKEN:
 * `/metrics` on the main port, for `Authorization: Bearer <token>` only. With neither, the main
 * port serves it openly in development and tests (as it always did) and not at all in production:
 * metrics name internal routes, queues and volumes, and the main port is the public one.
 */
export function metricsConfigFrom(
  env: Environment,
  environment: string,
  mainPort: number,
  problems: string[],
): MetricsConfig {
  const port = metricsPort(env.METRICS_PORT, mainPort, problems);
  const token = env.METRICS_TOKEN === undefined || env.METRICS_TOKEN === '' ? null : env.METRICS_TOKEN;
  if (token !== null && (token.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(token))) {
    problems.push(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces (got ${token.length} characters)`,
    );
  }
  const onMainPort: MetricsConfig['onMainPort'] =
    token !== null ? 'token' : port === null && environment !== 'production' ? 'open' : 'off';
  return { port, token, onMainPort };
}

function metricsPort(value: string | undefined, mainPort: number, problems: string[]): number | null {
  if (value === undefined || value.trim() === '') return null;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65535) {
    problems.push(`METRICS_PORT must be an integer from 0 to 65535 (got '${value}')`);
    return null;
  }
  if (port !== 0 && port === mainPort) {
    problems.push(`METRICS_PORT must differ from PORT (both ${port}): the metrics listener is a separate one`);
    return null;
  }
  return port;
}
