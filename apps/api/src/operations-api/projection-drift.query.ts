import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import type { TableDrift } from '@helpdesk/projections/core/drift-check.js';
import { type DriftCheckResult, checkProjectionDrift } from '@helpdesk/projections/core/rebuild-to-position.js';
import { ApiError } from '../graphql/api-error.js';
import { formatPosition } from '../graphql/positions.js';
import { ProjectionsService } from '../projections/projections.service.js';
import type { ProjectionDriftCheckModel, TableDriftModel } from './projection-drift.models.js';
import { projectionNamed } from './projection-named.js';

/** How many ids of each kind a table's report names, as `helpdesk projections check` prints. */
const SAMPLE_IDS = 5;

/** Rebuilds one projection in memory up to its checkpoint and compares it with the stored tables. */
export class CheckProjectionDriftQuery extends Query<ProjectionDriftCheckModel> {
  constructor(readonly name: string) {
    super();
  }
}

@QueryHandler(CheckProjectionDriftQuery)
export class CheckProjectionDriftHandler implements IQueryHandler<
  CheckProjectionDriftQuery,
  ProjectionDriftCheckModel
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
  ) {}

  async execute({ name }: CheckProjectionDriftQuery): Promise<ProjectionDriftCheckModel> {
    const projection = projectionNamed(this.projections.projections, name);
    try {
      return driftCheckModel(await checkProjectionDrift(this.store, this.readStore.db, projection));
    } catch (error) {
      // The only refusal checkProjectionDrift has: the checkpoint moved under every attempt to read a consistent snapshot.
      if (error instanceof Error && /kept moving/.test(error.message)) {
        throw new ApiError('SERVICE_UNAVAILABLE', `${name} kept moving while it was read: try again`);
      }
      throw error;
    }
  }
}

function driftCheckModel(result: DriftCheckResult): ProjectionDriftCheckModel {
  const position = result.checkpoint?.position ?? null;
  return {
    projection: result.projection.name,
    version: result.projection.version,
    position: position && formatPosition(position),
    eventsReplayed: result.rebuilt.eventsHandled,
    equal: result.report.equal,
    tables: result.report.tables.map(tableDriftModel),
  };
}

function tableDriftModel(table: TableDrift): TableDriftModel {
  return {
    table: table.table,
    expectedRows: table.expectedRows,
    actualRows: table.actualRows,
    missingCount: table.missing.length,
    extraCount: table.extra.length,
    differingCount: table.differing.length,
    missingIds: table.missing.slice(0, SAMPLE_IDS),
    extraIds: table.extra.slice(0, SAMPLE_IDS),
    differingIds: table.differing.slice(0, SAMPLE_IDS),
    firstDifference: table.firstDifference && {
      id: table.firstDifference.id,
      differences: [...table.firstDifference.differences],
    },
  };
}
