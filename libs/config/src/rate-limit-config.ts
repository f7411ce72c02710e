import type { RateLimitConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Enough for a busy portal's agents (subscriptions push changes, so screens need not poll). */
export const DEFAULT_GRAPHQL_RATE_LIMIT = 50;
export const DEFAULT_GRAPHQL_RATE_LIMIT_BURST = 100;
/** A thread page of pictures opens many at once; scrolling through a long one keeps a few per second. */
export const DEFAULT_MEDIA_RATE_LIMIT = 20;
export const DEFAULT_MEDIA_RATE_LIMIT_BURST = 100;

/**
 * GRAPHQL_RATE_LIMIT (requests per second per portal, `0` = off) and GRAPHQL_RATE_LIMIT_BURST; the
 * same for `GET /media/:id` with MEDIA_RATE_LIMIT and MEDIA_RATE_LIMIT_BURST, a bucket of its own.
 * Under NODE_ENV=test the limits are off unless set: the suites drive one portal as fast as they can.
 */
export function rateLimitConfigFrom(env: Environment, environment: string, problems: string[]): RateLimitConfig {
  const fallbackRate = environment === 'test' ? 0 : DEFAULT_GRAPHQL_RATE_LIMIT;
  const graphqlPerSecond = positiveNumber(env, 'GRAPHQL_RATE_LIMIT', fallbackRate, problems, { allowZero: true });
  const graphqlBurst = positiveNumber(env, 'GRAPHQL_RATE_LIMIT_BURST', DEFAULT_GRAPHQL_RATE_LIMIT_BURST, problems, {
    integer: true,
  });
  const mediaFallbackRate = environment === 'test' ? 0 : DEFAULT_MEDIA_RATE_LIMIT;
  const mediaPerSecond = positiveNumber(env, 'MEDIA_RATE_LIMIT', mediaFallbackRate, problems, { allowZero: true });
  const mediaBurst = positiveNumber(env, 'MEDIA_RATE_LIMIT_BURST', DEFAULT_MEDIA_RATE_LIMIT_BURST, problems, {
    integer: true,
  });
  return { graphqlPerSecond, graphqlBurst, mediaPerSecond, mediaBurst };
}

function positiveNumber(
  env: Environment,
  name: string,
  fallback: number,
  problems: string[],
  rules: { allowZero?: boolean; integer?: boolean },
): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  const valid =
    Number.isFinite(number) &&
    (rules.allowZero ? number >= 0 : number > 0) &&
    (!rules.integer || Number.isInteger(number));
  if (valid) return number;
  const what = rules.integer ? 'a positive integer' : `a ${rules.allowZero ? 'non-negative' : 'positive'} number`;
  problems.push(`${name} must be ${what} (got '${value}')`);
  return fallback;
}
