import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { GraphQLError } from 'graphql';
import {
  RebuildConflictError,
  RebuildFailedError,
  rebuildProjection,
} from '@helpdesk/projections/core/blue-green-rebuild.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { RebuildProgress } from '@helpdesk/projections/core/rebuild-progress.js';
import { ApiError } from '../graphql/api-error.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { projectionNamed } from './projection-named.js';

export type RebuildJobState = 'running' | 'switched' | 'failed' | 'interrupted';

/** One blue/green rebuild this process started: where it is, and how it ended. */
export interface RebuildJob {
  readonly projection: string;
  readonly version: number;
  readonly fresh: boolean;
  readonly state: RebuildJobState;
  /** Known from the first batch on (or the end, for a build that stopped before one). */
  readonly build: number | null;
  readonly progress: RebuildProgress | null;
  readonly error: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export interface RebuildRequest {
  readonly fresh: boolean;
  readonly batchSize?: number;
}

/** The operator asked for a rebuild of a projection this process is already rebuilding. */
export function rebuildRunning(projection: string): GraphQLError {
  return new GraphQLError(`A rebuild of ${projection} is already running: follow it with projectionRebuild`, {
    extensions: { code: 'REBUILD_RUNNING', projection },
  });
}

const INTERNAL_FAILURE =
  'The rebuild stopped on an unexpected error (logged by the service); the live tables keep serving';

/**
 * Runs blue/green rebuilds in the background of the API process, at most one per projection, and
 * keeps the latest job of each for operators to follow. At shutdown the running ones are stopped
 * after their current batch; the next rebuild of the same projection resumes them.
 */
@Injectable()
export class ProjectionRebuilds implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ProjectionRebuilds');
  private readonly jobs = new Map<string, { job: RebuildJob; done: Promise<void> }>();
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Starts rebuilding `name` and answers at once with the running job. */
  start(name: string, request: RebuildRequest): RebuildJob {
    const projection = projectionNamed(this.projections.projections, name);
    if (this.shutdown.signal.aborted)
      throw new ApiError('SERVICE_UNAVAILABLE', 'The service is shutting down: retry later');
    if (this.jobs.get(name)?.job.state === 'running') throw rebuildRunning(name);
    const job: RebuildJob = {
      projection: name,
      version: projection.version,
      fresh: request.fresh,
      state: 'running',
      build: null,
      progress: null,
      error: null,
      startedAt: this.clock.now(),
      finishedAt: null,
    };
    this.jobs.set(name, { job, done: this.run(projection, request) });
    return job;
  }

  /** The latest job of this process for `name`; null when it never rebuilt it. */
  latest(name: string): RebuildJob | null {
    projectionNamed(this.projections.projections, name);
    return this.jobs.get(name)?.job ?? null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await Promise.all([...this.jobs.values()].map((entry) => entry.done));
  }

  private async run(projection: Projection, request: RebuildRequest): Promise<void> {
    // Yield first, so the job is registered before anything can update it.
    await Promise.resolve();
    try {
      const outcome = await rebuildProjection(this.store, this.readStore.db, projection, {
        fresh: request.fresh,
        ...(request.batchSize !== undefined && { batchSize: request.batchSize }),
        signal: this.shutdown.signal,
        now: () => this.clock.now(),
        onProgress: (progress) => this.update(projection.name, { build: progress.build, progress }),
      });
      this.update(projection.name, { state: outcome.state, build: outcome.build, finishedAt: this.clock.now() });
    } catch (error) {
      if (error instanceof RebuildFailedError) this.failed(projection.name, error.message, error.build);
      else if (error instanceof RebuildConflictError) this.failed(projection.name, error.message);
      else {
        this.logger.error({ msg: 'Projection rebuild failed', projection: projection.name, err: error });
        this.failed(projection.name, INTERNAL_FAILURE);
      }
    }
  }

  private failed(name: string, error: string, build?: number): void {
    this.update(name, { state: 'failed', error, finishedAt: this.clock.now(), ...(build !== undefined && { build }) });
  }

  /** Jobs are replaced, never mutated: a caller holding one keeps what it was handed. */
  private update(name: string, change: Partial<RebuildJob>): void {
    const entry = this.jobs.get(name);
    if (entry) entry.job = { ...entry.job, ...change };
  }
}
