import { ActualRevision, ExpectedRevision, StreamDeletedError, WrongExpectedVersionError } from '../port/index.js';
import { StreamRow } from './rows.js';

/** The revision of the stream's last visible event, or 'no_stream' (never written, or soft-deleted). */
export function actualRevisionOf(stream: StreamRow | undefined): ActualRevision {
  if (!stream || stream.last_revision === null || stream.state === 'soft_deleted') return 'no_stream';
  return BigInt(stream.last_revision);
}

export function assertWritable(streamName: string, stream: StreamRow | undefined): void {
  if (stream?.state === 'tombstoned') throw new StreamDeletedError(streamName);
}

export function assertExpectedRevision(streamName: string, expected: ExpectedRevision, actual: ActualRevision): void {
  const holds =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'stream_exists' && actual !== 'no_stream') ||
    (typeof expected === 'bigint' && actual === expected);
  if (!holds) throw new WrongExpectedVersionError(streamName, expected, actual);
}
