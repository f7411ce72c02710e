/**
 * What the writer believes about the stream, as in EventStoreDB:
 * - `any`: no check;
 * - `no_stream`: the stream has no events (or was soft-deleted);
 * - `stream_exists`: the stream has at least one event;
 * - a bigint: the revision of the stream's last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** What the stream actually is when an expectation fails. */
export type ActualRevision = 'no_stream' | bigint;

export function describeExpectedRevision(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}
