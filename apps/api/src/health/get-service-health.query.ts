import { Query } from '@nestjs/cqrs';
import type { StoreHealth } from '@helpdesk/event-store';
import type { ReadStoreHealth } from '@helpdesk/read-store';
import type { ProjectorHealth } from '../projections/projections.service.js';

export interface ServiceHealth {
  /** Both stores answer. The projector is not part of it: webhooks are still taken and stored without it. */
  readonly healthy: boolean;
  readonly eventStore: StoreHealth;
  readonly readStore: ReadStoreHealth;
  readonly projector: ProjectorHealth;
}

export class GetServiceHealth extends Query<ServiceHealth> {}
