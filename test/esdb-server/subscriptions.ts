import { randomUUID } from 'node:crypto';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { streamDeletedError } from './grpc-errors.js';
import type { InMemoryLog } from './in-memory-log.js';
import { TOMBSTONE_REVISION, type LogRecord } from './log-record.js';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './read-responses.js';
import type { ReadRequest } from './read-request.js';
import type { ResponseWriter } from './response-writer.js';

type AllSubscription = Extract<ReadRequest, { kind: 'subscribe-all' }>;
type StreamSubscription = Extract<ReadRequest, { kind: 'subscribe-stream' }>;

/*
 * Each subscription keeps a cursor (an index) into the global log and is woken on every
 * append. Catch-up and live are the same loop, so nothing is skipped or sent twice when the
 * subscription switches to live; `caught_up` is sent the first time the cursor reaches the end.
 * Writes wait for gRPC flow control, so a slow subscriber just lags behind the log.
 */

/**
 * `$all` subscription: confirmation, then every record strictly after the start position.
 * With a filter, a checkpoint (the position of the last scanned record) goes out every
 * `checkpointInterval` scanned records, and once more on catching up, as the real server does.
 */
export async function subscribeToAll(
  log: InMemoryLog,
  { from, filter, uuidFormat }: AllSubscription,
  responses: ResponseWriter<ReadResp>,
): Promise<void> {
  await responses.write(confirmationResponse(randomUUID()));
  let next = from === 'start' ? 0 : from === 'end' ? log.size : log.firstIndexAfter(from);
  const checkpoints = filter && new CheckpointSchedule(filter.checkpointInterval);
  let caughtUp = false;

  while (responses.isOpen) {
    let lastScanned: LogRecord | undefined;
    while (next < log.size && responses.isOpen) {
      lastScanned = log.recordAt(next++);
      if (!filter || filter.filter.matches(lastScanned)) await responses.write(eventResponse(lastScanned, uuidFormat));
      if (checkpoints?.recordScanned(lastScanned.position))
        await responses.write(checkpointResponse(lastScanned.position));
    }
    if (!caughtUp) {
      caughtUp = true;
      // A catch-up that read anything ends with a checkpoint; starting at the end needs none.
      if (lastScanned && checkpoints?.forceAt(lastScanned.position)) {
        await responses.write(checkpointResponse(lastScanned.position));
      }
      await responses.write(caughtUpResponse());
    }
    await log.waitForRecordsBeyond(next, responses.signal);
  }
}

/**
 * Stream subscription: confirmation, catch-up through an ordinary stream read (so `$tb`,
 * `$maxCount`… apply), `caught_up`, then live events of the stream. Starts strictly after the
 * given revision. A tombstone, before or during the subscription, ends it with stream-deleted.
 */
export async function subscribeToStream(
  log: InMemoryLog,
  { streamName, from, uuidFormat }: StreamSubscription,
  responses: ResponseWriter<ReadResp>,
): Promise<void> {
  await responses.write(confirmationResponse(randomUUID()));
  const lastRevision = log.lastRevisionOf(streamName);
  if (lastRevision === 'tombstoned') return responses.fail(streamDeletedError(streamName));

  // Taken together, synchronously: the catch-up snapshot and where live reading resumes.
  let lastSent = from === 'start' ? -1 : from === 'end' ? lastRevision : from;
  const view = log.readStream(streamName);
  let next = log.size;

  const catchUp = view.kind === 'found' ? view.events.filter((event) => event.revision > lastSent) : [];
  for (const event of catchUp) {
    if (!responses.isOpen) return;
    await responses.write(eventResponse(event, uuidFormat));
    lastSent = event.revision;
  }
  await responses.write(caughtUpResponse());

  while (responses.isOpen) {
    while (next < log.size && responses.isOpen) {
      const record = log.recordAt(next++);
      if (record.streamName !== streamName || record.revision <= lastSent) continue;
      if (record.revision === TOMBSTONE_REVISION) return responses.fail(streamDeletedError(streamName));
      await responses.write(eventResponse(record, uuidFormat));
      lastSent = record.revision;
    }
    await log.waitForRecordsBeyond(next, responses.signal);
  }
}

/** Counts scanned records and says when a checkpoint is due; never repeats a position. */
class CheckpointSchedule {
  #scanned = 0;
  #lastCheckpoint = -1;

  constructor(private readonly interval: number) {}

  recordScanned(position: number): boolean {
    this.#scanned += 1;
    if (this.#scanned < this.interval) return false;
    this.#scanned = 0;
    return this.forceAt(position);
  }

  forceAt(position: number): boolean {
    if (position <= this.#lastCheckpoint) return false;
    this.#lastCheckpoint = position;
    return true;
  }
}
