import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { GetServiceHealth, ServiceHealth } from './get-service-health.query.js';

/**
 * How long an unhealthy answer is reused. Checking is cheap when all is well (nothing is written:
 * the event store's write check takes the lock and gives it back, or has an append refused), but a
 * locked SQLite file makes each check wait for the lock; so while the store is unhealthy, /health
 * asks it at most once a second however often it is called.
 */
export const UNHEALTHY_REUSED_FOR_MS = 1_000;

@QueryHandler(GetServiceHealth)
export class GetServiceHealthHandler implements IQueryHandler<GetServiceHealth, ServiceHealth> {
  /** Callers at the same moment share one check. */
  private inFlight: Promise<ServiceHealth> | null = null;
  private lastUnhealthy: { readonly at: number; readonly health: ServiceHealth } | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionsService,
  ) {}

  execute(): Promise<ServiceHealth> {
    const now = this.clock.now().getTime();
    const recent = this.lastUnhealthy;
    if (recent && now >= recent.at && now - recent.at < UNHEALTHY_REUSED_FOR_MS)
      return Promise.resolve({ ...recent.health, projector: this.projections.projectorHealth() });
    this.inFlight ??= this.check(now).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async check(startedAt: number): Promise<ServiceHealth> {
    const [eventStore, readStore] = await Promise.all([this.eventStore.health(), this.readStore.health()]);
    const projector = this.projections.projectorHealth();
    const health = { healthy: eventStore.healthy && readStore.healthy, eventStore, readStore, projector };
    this.lastUnhealthy = health.healthy ? null : { at: startedAt, health };
    return health;
  }
}
