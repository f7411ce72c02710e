import { ActualRevision, ExpectedRevision, describeExpectedRevision } from './expected-revision.js';
import type { Position } from './recorded-event.js';

export type EventStoreErrorCode =
  | 'WRONG_EXPECTED_VERSION'
  | 'STREAM_DELETED'
  | 'STREAM_NOT_FOUND'
  | 'STORE_UNAVAILABLE'
  | 'INVALID_EVENT'
  | 'CHECKPOINT_BEYOND_LOG_END';

export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(
      `Wrong expected version on stream '${streamName}': expected ${describeExpectedRevision(expected)}, actual ${
        typeof actual === 'bigint' ? actual.toString() : actual
      }`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

/** The stream was tombstoned: it can never be read or written again. */
export class StreamDeletedError extends EventStoreError {
  readonly code = 'STREAM_DELETED';
  constructor(readonly streamName: string) {
    super(`Stream '${streamName}' is deleted (tombstoned)`);
    this.name = 'StreamDeletedError';
  }
}

/** The stream has no events, or was soft-deleted. */
export class StreamNotFoundError extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly streamName: string) {
    super(`Stream '${streamName}' not found`);
    this.name = 'StreamNotFoundError';
  }
}

/**
 * The store cannot be reached or cannot write for now (down, starting, electing a leader); the
 * caller may retry. Nothing was acknowledged.
 */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, cause?: unknown) {
    super(`Event store unavailable: ${message}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * An append was sent but never acknowledged (a commit timeout), and reading back by event id did
 * not find it: it may still land, or may be lost. Retry the same events (same ids) at the same
 * exact or `no_stream` expected revision: the store then either finds them and answers as for
 * the first write, or writes them once. With `any`/`stream_exists` a retry may write them twice.
 */
export class AppendOutcomeUnknownError extends StoreUnavailableError {
  constructor(
    readonly streamName: string,
    cause?: unknown,
  ) {
    super(`the append to '${streamName}' was not acknowledged and may or may not have been written`, cause);
    this.name = 'AppendOutcomeUnknownError';
  }
}

/** The caller's events cannot be stored as given (bad id, type or data). */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** One event is larger than the store takes (EventStoreDB 25.1+: MaxAppendEventSize): retrying won't help. */
export class EventTooLargeError extends InvalidEventError {
  constructor(
    readonly streamName: string,
    readonly maxEventSize: number | undefined,
    readonly eventId?: string,
  ) {
    super(
      `Event ${eventId ?? '?'} appended to '${streamName}' is larger than the store's maximum event size${
        maxEventSize === undefined ? '' : ` of ${maxEventSize} bytes`
      }`,
    );
    this.name = 'EventTooLargeError';
  }
}

/**
 * A follower was asked to resume after a position the log has not reached: its stored checkpoint
 * belongs to another log (a `--mem-db` server restarted empty, a restored older backup). Resuming
 * would silently skip every event until the log grows past it, so the follower must not start.
 */
export class CheckpointBeyondLogEndError extends EventStoreError {
  readonly code = 'CHECKPOINT_BEYOND_LOG_END';
  constructor(
    readonly checkpoint: Position,
    readonly logEnd: Position | null,
  ) {
    super(
      `Cannot resume after ${describePosition(checkpoint)}: the event log ends at ${
        logEnd ? describePosition(logEnd) : 'nothing (it is empty)'
      }. The stored checkpoint belongs to another log (a server started with an in-memory database, a restored older backup); ` +
        'reset the follower (rebuild its read models) instead of resuming',
    );
    this.name = 'CheckpointBeyondLogEndError';
  }
}

const describePosition = (position: Position): string =>
  `commit ${position.commit.toString()} / prepare ${position.prepare.toString()}`;
