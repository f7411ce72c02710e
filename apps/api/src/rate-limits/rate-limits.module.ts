import { Module } from '@nestjs/common';
import { GraphqlRateLimit } from './graphql-rate-limit.js';
import { MediaRateLimit } from './media-rate-limit.js';

/**
 * Per-portal rate limits of the GraphQL API and of media downloads (their clock, RATE_LIMIT_NOW, is
 * process-wide: see AppModule). The webhook is not limited: Meta retries what is not acknowledged,
 * so a 429 would only come back later, with more (see the README's reliability section).
 */
@Module({ providers: [GraphqlRateLimit, MediaRateLimit], exports: [MediaRateLimit] })
export class RateLimitsModule {}
