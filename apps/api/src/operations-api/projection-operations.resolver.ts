import { QueryBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/auth.decorators.js';
import { ProjectionDriftCheckModel } from './projection-drift.models.js';
import { CheckProjectionDriftQuery } from './projection-drift.query.js';
import {
  ProjectionNameArgs,
  ProjectionRebuildModel,
  RebuildProjectionArgs,
  projectionRebuildModel,
} from './projection-rebuild.models.js';
import { ProjectionRebuilds } from './projection-rebuilds.service.js';

/**
 * What `helpdesk projections rebuild` and `check` do, for operators over GraphQL. Read models span
 * every portal: no portal's data is answered here but row ids and document differences in a drift
 * report, so the drift check is for the operator role alone.
 */
@Resolver()
export class ProjectionOperationsResolver {
  constructor(
    private readonly rebuilds: ProjectionRebuilds,
    private readonly queries: QueryBus,
  ) {}

  @Mutation(() => ProjectionRebuildModel, {
    description:
      'Starts a blue/green rebuild in the service: new tables fill from the start of history while the live ones serve, then switch in atomically. Answers at once with the running job; REBUILD_RUNNING if this projection is being rebuilt already. A build interrupted earlier is resumed unless `fresh`.',
  })
  // Operators only: a rebuild changes what every portal reads, beyond a portal admin's reach.
  @Roles('operator')
  rebuildProjection(@Args() { name, fresh, batchSize }: RebuildProjectionArgs): ProjectionRebuildModel {
    return projectionRebuildModel(
      this.rebuilds.start(name, { fresh: fresh ?? false, ...(batchSize != null && { batchSize }) }),
    );
  }

  @Query(() => ProjectionRebuildModel, {
    nullable: true,
    description: "This service's latest rebuild of the projection (running or ended); null if none since it started.",
  })
  @Roles('operator')
  projectionRebuild(@Args() { name }: ProjectionNameArgs): ProjectionRebuildModel | null {
    const job = this.rebuilds.latest(name);
    return job && projectionRebuildModel(job);
  }

  @Query(() => ProjectionDriftCheckModel, {
    description:
      'Rebuilds the projection in memory up to its checkpoint and compares every table row by row (`helpdesk projections check`). Costs a replay of the history.',
  })
  @Roles('operator')
  projectionDriftCheck(@Args() { name }: ProjectionNameArgs): Promise<ProjectionDriftCheckModel> {
    return this.queries.execute(new CheckProjectionDriftQuery(name));
  }
}
