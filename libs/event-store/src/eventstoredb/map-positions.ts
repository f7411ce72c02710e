import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AppendExpectedRevision,
  type ExpectedRevision as ClientDeleteExpectedRevision,
  type Position as ClientPosition,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import { ExpectedRevision, Position } from '../port/index.js';

/** The port and the client spell positions the same way; copy so neither side can alias the other's object. */
export function fromClientPosition(position: ClientPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

export function toClientReadPosition(from: Position | 'start' | 'end'): ReadPosition {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return { commit: from.commit, prepare: from.prepare };
}

export function toClientReadRevision(from: bigint | 'start' | 'end'): ReadRevision {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return from;
}

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (expected < 0n) {
        // The client would put a negative number on a uint64 wire field; refuse it here, clearly.
        throw new RangeError(`Expected revision must be a non-negative revision, got ${expected.toString()}`);
      }
      return expected;
  }
}

/** The client's deleteStream takes no STREAM_EXISTS: the caller handles that case before coming here. */
export function toClientDeleteExpectedRevision(
  expected: Exclude<ExpectedRevision, 'stream_exists'>,
): ClientDeleteExpectedRevision {
  return toClientExpectedRevision(expected) as ClientDeleteExpectedRevision;
}
