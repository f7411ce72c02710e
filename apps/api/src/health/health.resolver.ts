import { QueryBus } from '@nestjs/cqrs';
import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/auth.decorators.js';
import { GetServiceHealth } from './get-service-health.query.js';
import { ServiceHealthModel } from './service-health.model.js';

@Resolver(() => ServiceHealthModel)
export class HealthResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => ServiceHealthModel, { description: 'The same report as GET /health.' })
  @Public()
  async serviceHealth(): Promise<ServiceHealthModel> {
    const health = await this.queries.execute(new GetServiceHealth());
    return {
      healthy: health.healthy,
      eventStore: {
        kind: health.eventStore.adapter,
        healthy: health.eventStore.healthy,
        detail: health.eventStore.detail,
      },
      readStore: { kind: health.readStore.dialect, healthy: health.readStore.healthy, detail: health.readStore.detail },
      projector: health.projector,
    };
  }
}
