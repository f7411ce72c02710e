import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { RATE_LIMIT_NOW } from './rate-limit-clock.js';
import { TokenBuckets } from './token-buckets.js';

/**
 * Per-portal limit on media downloads (MEDIA_RATE_LIMIT, MEDIA_RATE_LIMIT_BURST): a bucket per portal
 * of its own, apart from GraphQL's, since one screen of a thread opens many pictures at once. Counted
 * once the bearer token is read, as for GraphQL: a request without a valid one is refused with 401 first.
 */
@Injectable()
export class MediaRateLimit {
  private readonly buckets: TokenBuckets | null;
  private readonly limited: Counter;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_NOW) now: () => number,
    metrics: MetricsRegistry,
  ) {
    const { mediaPerSecond, mediaBurst } = config.rateLimits;
    this.buckets = mediaPerSecond > 0 ? new TokenBuckets({ perSecond: mediaPerSecond, burst: mediaBurst }, now) : null;
    this.limited = metrics.counter('media_requests_rate_limited_total', 'GET /media/:id requests refused with 429');
  }

  /** Seconds the portal must wait (answer 429 with Retry-After), or null when its request may go on. */
  refusal(portalId: string): number | null {
    const admission = this.buckets?.take(portalId);
    if (!admission || admission.admitted) return null;
    this.limited.inc();
    return admission.retryAfterSeconds;
  }
}
