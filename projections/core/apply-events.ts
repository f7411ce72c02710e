import type { RecordedEvent } from '@helpdesk/event-store';
import type { Transaction } from 'kysely';
import { DocumentBatch, TrackingAccess } from './document-batch.js';
import type { Projection, TableNames } from './projection.js';

/**
 * Applies one batch of events to the tables `names` maps to, inside the caller's transaction, and
 * says how many the projection handled. Live runs, rebuilds and drift checks all go through here,
 * so they cannot disagree on what an event does.
 */
export async function applyEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Transaction<any>,
  projection: Projection,
  names: TableNames,
  events: readonly RecordedEvent[],
): Promise<number> {
  const handles = new Set(projection.eventTypes);
  const batch = new DocumentBatch(trx, projection, names);
  const access = new TrackingAccess(batch);
  let handled = 0;
  for (const event of events) {
    if (!handles.has(event.type)) continue;
    try {
      await projection.project(event, access);
    } catch (error) {
      throw new ProjectionFailure(event, error);
    }
    handled++;
  }
  await batch.flush(access.changed);
  return handled;
}

/** The event a projection could not apply: the run stops there, naming it. */
export class ProjectionFailure extends Error {
  constructor(readonly event: RecordedEvent, cause: unknown) {
    super(
      `cannot apply ${event.type} at ${event.streamName}@${event.revision} (position ${event.position.commit}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'ProjectionFailure';
  }
}

/**
 * The embedded stores answer in promises without real I/O, so a long replay would never give the
 * event loop a turn and the API would answer nothing until it ends: every batch yields once.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
