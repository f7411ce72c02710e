import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig, ProjectionsMode } from '@helpdesk/config';
import { EVENT_STORE, headPosition } from '@helpdesk/event-store';
import type { EventStore, Position } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { ProjectionGroup, type ProjectionStatus } from '@helpdesk/projections/core/projection-group.js';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { registeredProjections } from '@helpdesk/projections/registered-projections.js';
import { ACTIVE_RULEBOOK } from '@helpdesk/commands/shared/rulebook.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { Rulebook } from '@helpdesk/domain';
import { StoredCheckpoints } from './stored-checkpoints.js';
import { PROJECTOR_SCRIPT, ProjectorChild, type ProjectorProcessHealth } from './projector-child.js';

/** The projector as `/health/ready` reports it. */
export interface ProjectorHealth extends Partial<ProjectorProcessHealth> {
  readonly mode: ProjectionsMode;
  readonly healthy: boolean;
}

/**
 * The read models as the API sees them. `in-process` (default): runs every read model here, as one
 * group following `$all` once, each from its own checkpoint. `child-process`: the projector runs
 * them in a child process this service starts, restarts and stops. `off`: a projector worker runs
 * them. In both, waits for them follow the checkpoints the projector commits in the read store.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  readonly mode: ProjectionsMode;
  private readonly group: ProjectionGroup | undefined;
  private readonly stored: StoredCheckpoints;
  private readonly child: ProjectorChild | undefined;
  readonly projections: readonly Projection[];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    readStore: ReadStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ACTIVE_RULEBOOK) rulebook: Rulebook,
    @Inject(PROJECTOR_SCRIPT) projectorScript: string,
  ) {
    this.projections = registeredProjections(rulebook);
    this.mode = config.projections;
    this.group =
      this.mode === 'in-process'
        ? new ProjectionGroup(store, readStore.db, this.projections, () => clock.now())
        : undefined;
    this.stored = new StoredCheckpoints(readStore.db, this.projections, { sqliteFile: readStore.file });
    if (this.mode === 'child-process') {
      const logger = this.logger;
      this.child = new ProjectorChild({
        script: projectorScript,
        env: process.env,
        log: { log: (fields) => logger.log(fields), error: (fields) => logger.error(fields) },
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const projections = this.projections.map((projection) => projection.name);
    if (this.mode !== 'in-process') {
      this.logger.log({
        msg: `Projections run in the projector (PROJECTIONS=${this.mode}); reads wait on its checkpoints`,
        projections,
      });
      this.child?.start();
      return;
    }
    await this.group?.start();
    this.logger.log({ msg: 'Projections started', projections });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stored.close();
    await Promise.all([this.group?.stop(), this.child?.stop()]);
  }

  /**
   * The child projector's process (child-process); in-process it is this process. With
   * PROJECTIONS=off the worker runs apart and is not watched from here: its lag is in /metrics.
   */
  projectorHealth(): ProjectorHealth {
    if (this.child) return { mode: this.mode, ...this.child.health() };
    if (this.mode === 'off')
      return { mode: this.mode, healthy: true, detail: 'run apart (npm run projector): see projection_lag_seconds' };
    return { mode: this.mode, healthy: true };
  }

  /** In `off` mode, what the read store's checkpoints said at the last wait. */
  statuses(): ProjectionStatus[] {
    return this.group ? this.group.statuses() : this.stored.statuses();
  }

  /** Whether every read model has applied `$all` up to `position`, as last seen here (no wait, no read). */
  hasApplied(position: Position): boolean {
    return this.group ? this.group.hasApplied(position) : this.stored.hasApplied(position);
  }

  /** Read-your-writes: resolves once every projection has applied the events up to `position` (default: the head). */
  async whenCaughtUp(position?: Position): Promise<void> {
    if (this.group) {
      await this.group.whenCaughtUp(position);
      return;
    }
    const target = position ?? (await this.head());
    if (target) await this.stored.whenCaughtUp(target);
  }

  /** Resolves once one read model has applied the history written so far (in `off` mode: every one). */
  async whenProjectionCaughtUp(name: string): Promise<void> {
    if (this.group) {
      await this.group.whenProjectionCaughtUp(name);
      return;
    }
    await this.whenCaughtUp();
  }

  private async head(): Promise<Position | null> {
    return headPosition(this.store);
  }
}
