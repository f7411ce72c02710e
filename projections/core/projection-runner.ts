import type { EventStore } from '@helpdesk/event-store';
import type { ProjectionStatus } from './group-member.js';
import { ProjectionGroup, type RunnerOptions } from './projection-group.js';
import type { Projection } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

export type { ProjectionStatus, RunnerState } from './group-member.js';
export { type RunnerOptions, WriterFencedError } from './projection-group.js';

/** One projection following `$all` on its own: a group of one (tests, tools). */
export class ProjectionRunner extends ProjectionGroup {
  constructor(
    store: EventStore,
    db: ReadDatabase,
    readonly projection: Projection,
    now?: () => Date,
    options?: RunnerOptions,
  ) {
    super(store, db, [projection], now, options);
  }

  status(): ProjectionStatus {
    return this.statuses()[0];
  }
}
