import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore, Position } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { ProjectionRunner, ProjectionStatus } from '../../../../projections/core/projection-runner.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { REGISTERED_PROJECTIONS } from './registered-projections.js';

/** Runs every read model inside the API process, each following `$all` from its own checkpoint. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    readStore: ReadStore,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.runners = REGISTERED_PROJECTIONS.map((projection) => new ProjectionRunner(store, readStore.db, projection, () => clock.now()));
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
    this.logger.log({ msg: 'Projections started', projections: this.runners.map((runner) => runner.projection.name) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  statuses(): ProjectionStatus[] {
    return this.runners.map((runner) => runner.status());
  }

  /** Read-your-writes: resolves once every projection has applied the events up to `position`. */
  async whenCaughtUp(position?: Position): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.whenCaughtUp(position)));
  }
}
