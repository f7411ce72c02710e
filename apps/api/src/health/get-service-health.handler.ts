import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { GetServiceHealth, ServiceHealth } from './get-service-health.query.js';

@QueryHandler(GetServiceHealth)
export class GetServiceHealthHandler implements IQueryHandler<GetServiceHealth, ServiceHealth> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
  ) {}

  async execute(): Promise<ServiceHealth> {
    const [eventStore, readStore] = await Promise.all([this.eventStore.health(), this.readStore.health()]);
    return { healthy: eventStore.healthy && readStore.healthy, eventStore, readStore };
  }
}
