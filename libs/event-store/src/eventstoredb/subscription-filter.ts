import {
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type Filter,
  type Position as ClientPosition,
} from '@eventstore/db-client';
import { AllFilter } from '../port/index.js';

export type CheckpointListener = (position: ClientPosition) => Promise<void>;

/**
 * The server-side filter for a `$all` subscription. We always send one: with no filter from the caller,
 * `excludeSystemEvents()` keeps the server from shipping system events we would drop anyway, and its
 * checkpoints let a resubscription skip past long runs of them.
 */
export function toClientFilter(filter: AllFilter | undefined, onCheckpoint: CheckpointListener): Filter {
  const checkpointReached = (_subscription: unknown, position: ClientPosition) => onCheckpoint(position);
  if (filter === undefined) return excludeSystemEvents({ checkpointReached });

  const common = { checkpointReached, ...checkpointWindow(filter.checkpointEvery) };
  const build = filter.on === 'eventType' ? eventTypeFilter : streamNameFilter;
  if ('regex' in filter) return build({ regex: filter.regex, ...common });
  return build({ prefixes: [...filter.prefixes], ...common });
}

/** Throws what `toClientFilter` would, so a bad filter fails at subscribe time rather than at the first pull. */
export function assertValidFilter(filter: AllFilter | undefined): void {
  if (filter !== undefined) checkpointWindow(filter.checkpointEvery);
}

/**
 * The server sends a checkpoint every `maxSearchWindow × checkpointInterval` scanned events
 * (checkpointInterval is a multiplier on the wire). Asking for a window of N with multiplier 1 gives
 * exactly "every N scanned events"; left out, the server uses its default window of 32.
 */
function checkpointWindow(checkpointEvery: number | undefined): {
  maxSearchWindow?: number;
  checkpointInterval: number;
} {
  if (checkpointEvery === undefined) return { checkpointInterval: 1 };
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1 || checkpointEvery > 0xffffffff) {
    throw new RangeError(`filter.checkpointEvery must be a positive integer (uint32), got ${checkpointEvery}`);
  }
  return { maxSearchWindow: checkpointEvery, checkpointInterval: 1 };
}
