import type { EventStore, Position } from '@helpdesk/event-store';
import { ProjectionRunner } from '../../projections/core/projection-runner.js';
import type { Projection } from '../../projections/core/projection.js';
import type { ReadDatabase } from '../../projections/core/read-model-schema.js';

export interface RebuildOptions {
  /** Stop once every projection has applied the events up to here (default: the end of `$all`). */
  readonly until?: Position;
  /** Give up waiting after this long and report how far every projection got. */
  readonly deadlineSeconds?: number;
}

export interface RebuildOutcome {
  readonly seconds: number;
  /** Every projection reached the end (or `until`) before the deadline. */
  readonly complete: boolean;
  /** The position every projection had applied when it stopped (the slowest's). */
  readonly reached: Position | null;
  readonly eventsHandled: Readonly<Record<string, number>>;
}

/**
 * Every given projection from an empty checkpoint, as the service runs them: one runner per
 * projection, all at once, each following `$all` and committing batches with their checkpoint.
 * This is the swap point for the blue/green `rebuild` of projections/core when it lands.
 */
export async function rebuildProjections(
  store: EventStore,
  db: ReadDatabase,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const runners = projections.map((projection) => new ProjectionRunner(store, db, projection));
  const started = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  try {
    // One after the other, as the service does: concurrent CREATE TABLE can collide in PostgreSQL's catalog.
    for (const runner of runners) await runner.start();
    const done = Promise.all(runners.map((runner) => runner.whenCaughtUp(options.until))).then(() => true);
    const complete = options.deadlineSeconds
      ? await Promise.race([done, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.deadlineSeconds! * 1000)))])
      : await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const statuses = runners.map((runner) => runner.status());
    const failed = statuses.find((status) => status.state === 'failed');
    if (failed) throw new Error(`projection ${failed.name} failed during the rebuild: ${failed.lastError}`);
    const positions = statuses.map((status) => status.position);
    const reached = positions.includes(null) ? null : positions.reduce((low, position) => (position!.commit < low!.commit ? position : low));
    const eventsHandled = Object.fromEntries(statuses.map((status) => [status.name, status.eventsHandled]));
    return { seconds, complete, reached, eventsHandled };
  } finally {
    clearTimeout(timer);
    await Promise.all(runners.map((runner) => runner.stop()));
  }
}
