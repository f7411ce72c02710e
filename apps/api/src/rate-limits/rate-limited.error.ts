import { GraphQLError } from 'graphql';

/** What Mercurius reads as the HTTP status of an error raised before execution. */
const TOO_MANY_REQUESTS = Object.freeze({ statusCode: 429 });

/**
 * The GraphQL error a limited portal gets: `extensions.code` RATE_LIMITED and `retryAfterSeconds`,
 * over HTTP with status 429 and a Retry-After header as well.
 */
export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  const message = `Too many requests for this portal: retry in ${retryAfterSeconds} s`;
  return new GraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
    originalError: Object.assign(new Error(message), TOO_MANY_REQUESTS),
  });
}
