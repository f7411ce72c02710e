import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { InvalidAccessToken, readAccessToken } from '@helpdesk/auth';
import { accessTokenKeysOf } from '../auth/access-token-keys.js';
import type { SubscriberContext } from '../notifications/subscription-auth.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { RATE_LIMIT_NOW } from './rate-limit-clock.js';
import { rateLimitedError } from './rate-limited.error.js';
import { TokenBuckets } from './token-buckets.js';

/**
 * Per-portal limits on GraphQL operations (GRAPHQL_RATE_LIMIT, GRAPHQL_RATE_LIMIT_BURST), as
 * Mercurius hooks: an HTTP request is counted before its document is parsed, so a flood costs
 * little; a subscription is counted when it starts. The portal comes from the bearer token; a
 * request without a valid one is not counted here, AuthGuard refuses it.
 */
@Injectable()
export class GraphqlRateLimit implements OnApplicationBootstrap {
  private readonly buckets: TokenBuckets | null;
  private readonly limited: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RATE_LIMIT_NOW) now: () => number,
    private readonly adapterHost: HttpAdapterHost,
    metrics: MetricsRegistry,
  ) {
    const { graphqlPerSecond, graphqlBurst } = config.rateLimits;
    this.buckets =
      graphqlPerSecond > 0 ? new TokenBuckets({ perSecond: graphqlPerSecond, burst: graphqlBurst }, now) : null;
    this.limited = metrics.counter(
      'graphql_requests_rate_limited_total',
      'GraphQL operations refused with RATE_LIMITED',
      ['transport'],
    );
  }

  /** After GraphQLModule has registered Mercurius on the Fastify instance. */
  onApplicationBootstrap(): void {
    const buckets = this.buckets;
    if (!buckets) return;
    const graphql = (this.adapterHost.httpAdapter.getInstance() as FastifyInstance).graphql;
    graphql.addHook('preParsing', async (_schema, _source, context) => {
      const retryAfterSeconds = this.refusal(buckets, await this.portalOf(context.reply), 'http');
      if (retryAfterSeconds === null) return;
      context.reply.header('retry-after', String(retryAfterSeconds));
      throw rateLimitedError(retryAfterSeconds);
    });
    graphql.addHook('preSubscriptionParsing', async (_schema, _source, context) => {
      const subscriber = (context as MercuriusContext & Partial<SubscriberContext>).currentUser;
      const retryAfterSeconds = this.refusal(buckets, subscriber?.portalId, 'websocket');
      if (retryAfterSeconds !== null) throw rateLimitedError(retryAfterSeconds);
    });
  }

  /** Seconds the portal must wait, or null when its operation may go on (or has no portal to count against). */
  private refusal(buckets: TokenBuckets, portalId: string | undefined, transport: 'http' | 'websocket'): number | null {
    if (portalId === undefined) return null;
    const admission = buckets.take(portalId);
    if (admission.admitted) return null;
    this.limited.inc({ transport });
    return admission.retryAfterSeconds;
  }

  private async portalOf(reply: FastifyReply | undefined): Promise<string | undefined> {
    const header = reply?.request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
    if (!token) return undefined;
    try {
      return (await readAccessToken(token, accessTokenKeysOf(this.config), this.clock.now())).portalId;
    } catch (error) {
      if (error instanceof InvalidAccessToken) return undefined;
      throw error;
    }
  }
}
