import { Query } from '@nestjs/cqrs';
import type { StoreHealth } from '@helpdesk/event-store';
import type { ReadStoreHealth } from '@helpdesk/read-store';

export interface ServiceHealth {
  readonly healthy: boolean;
  readonly eventStore: StoreHealth;
  readonly readStore: ReadStoreHealth;
}

export class GetServiceHealth extends Query<ServiceHealth> {}
