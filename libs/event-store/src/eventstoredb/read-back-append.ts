import type { AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../port/index.js';

/** How far back an `any`/`stream_exists` append is looked for: a timed-out write is recent. */
export const READ_BACK_LOOKBACK = 1_000;

type ReadStream = (
  streamName: string,
  options: { direction: 'forwards' | 'backwards'; fromRevision: bigint | 'end'; maxCount: number },
) => AsyncIterable<RecordedEvent>;

/**
 * After a commit timeout: whether the append is in the stream, found by its event ids, and if so
 * the result the server would have answered. Exact and `no_stream` appends can only stand right
 * after the expected revision; `any`/`stream_exists` ones are looked for among the last events.
 */
export async function readBackAppend(
  readStream: ReadStream,
  streamName: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResult | undefined> {
  const wanted = events.map((event) => event.id.toLowerCase());
  const window: RecordedEvent[] = [];
  if (typeof expected === 'bigint' || expected === 'no_stream') {
    const fromRevision = expected === 'no_stream' ? 0n : expected + 1n;
    const read = readStream(streamName, { direction: 'forwards', fromRevision, maxCount: wanted.length });
    for await (const event of read) window.push(event);
  } else {
    const read = readStream(streamName, { direction: 'backwards', fromRevision: 'end', maxCount: READ_BACK_LOOKBACK });
    for await (const event of read) window.unshift(event);
  }
  const start = window.findIndex((event) => event.id.toLowerCase() === wanted[0]);
  if (start < 0) return undefined;
  const found = window.slice(start, start + wanted.length);
  if (found.length !== wanted.length || found.some((event, index) => event.id.toLowerCase() !== wanted[index])) {
    return undefined;
  }
  const last = found[found.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}
