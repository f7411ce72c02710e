import type { EventStore, Position } from '@helpdesk/event-store';
import { rebuildProjections as blueGreenRebuild } from '@helpdesk/projections/core/blue-green-rebuild.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { rebuildToPosition } from '@helpdesk/projections/core/rebuild-to-position.js';

export interface RebuildOptions {
  /** Stop (between batches) after this long and report how far every projection got. */
  readonly deadlineSeconds?: number;
}

export interface RebuildOutcome {
  readonly seconds: number;
  /** Every projection was switched in before the deadline. */
  readonly complete: boolean;
  /** The position every projection had applied when it stopped (the slowest's). */
  readonly reached: Position | null;
  readonly eventsHandled: Readonly<Record<string, number>>;
}

/**
 * Every given projection rebuilt from the start of `$all` as an operator does it
 * (`helpdesk projections rebuild --all --fresh`): blue/green builds fed by one read of the log,
 * each committed batch by batch with its checkpoint and switched in at the end.
 */
export async function rebuildProjections(
  store: EventStore,
  db: ReadDatabase,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const deadline = new AbortController();
  const timer = options.deadlineSeconds
    ? setTimeout(() => deadline.abort(), options.deadlineSeconds * 1000)
    : undefined;
  const started = process.hrtime.bigint();
  try {
    const results = await blueGreenRebuild(store, db, projections, { fresh: true, signal: deadline.signal });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcomes = results.map((result) => {
      if ('error' in result)
        throw new Error(`projection ${result.projection.name} failed during the rebuild: ${result.error.message}`);
      return { name: result.projection.name, ...result.outcome };
    });
    const positions = outcomes.map((outcome) => outcome.position);
    const reached = positions.includes(null)
      ? null
      : positions.reduce((low, position) => (position!.commit < low!.commit ? position : low));
    return {
      seconds,
      complete: outcomes.every((outcome) => outcome.state === 'switched'),
      reached,
      eventsHandled: Object.fromEntries(outcomes.map((outcome) => [outcome.name, outcome.eventsHandled])),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** One projection alone, replayed into an empty store up to `until`: where the time of the whole goes. */
export async function rebuildAlone(
  store: EventStore,
  db: ReadDatabase,
  projection: Projection,
  until: Position,
): Promise<{ seconds: number; position: Position | null }> {
  const started = process.hrtime.bigint();
  const { position } = await rebuildToPosition(store, db, projection, until);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, position };
}
