import { randomUUID } from 'node:crypto';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { status, type ServerErrorResponse } from '@grpc/grpc-js';
import { grpcError, streamDeletedError } from './grpc-errors.js';
import { compareTfPositions, type InMemoryLog, type TfPosition } from './in-memory-log.js';
import { TOMBSTONE_REVISION, type LogRecord } from './log-record.js';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './read-responses.js';
import type { ReadRequest } from './read-request.js';
import type { ResponseWriter } from './response-writer.js';

type AllSubscription = Extract<ReadRequest, { kind: 'subscribe-all' }>;
type StreamSubscription = Extract<ReadRequest, { kind: 'subscribe-stream' }>;

/*
 * Each subscription keeps a cursor (an index) into the global log and is woken on every
 * append. Catch-up and live are the same loop, so nothing is skipped or sent twice when the
 * subscription switches to live. Writes wait for gRPC flow control, so a slow subscriber lags
 * behind the log; what happens when a live one lags more than the live buffer depends on the
 * server version being played (see `SubscriptionBehaviour`).
 */

/** How the server treats `caught_up` and slow live consumers, per version. */
export interface SubscriptionBehaviour {
  /**
   * '22.10': never sends `caught_up` (added in 23.10); slow live consumers aborted as on 23.10.
   * '23.10': `caught_up` once; a live consumer lagging more than `liveBufferSize` is aborted
   *   (ABORTED "Operation timed out: Consumer too slow…"), the client must resubscribe.
   * '24.10' (and later, KurrentDB 25.x): the lagging subscription falls back to catch-up and
   *   sends `caught_up` again when it is live again.
   */
  readonly version: '22.10' | '23.10' | '24.10';
  /** Live events buffered per subscription before it counts as fallen behind (real server: 32). */
  readonly liveBufferSize: number;
}

export const DEFAULT_SUBSCRIPTION_BEHAVIOUR: SubscriptionBehaviour = { version: '24.10', liveBufferSize: 32 };

const HEAD_OF_TF: TfPosition = { commit: -1, prepare: -1 };
const FIRST_RECORD_OF_TF: TfPosition = { commit: 0, prepare: 0 };

/**
 * `$all` subscription: confirmation, then every record strictly after the start position.
 *
 * Unfiltered, it is a plain cursor. Filtered, the catch-up reads pages of `maxSearchWindow`
 * records like Enumerator.AllSubscriptionFiltered.CatchUp: a page without a matching event moves
 * the checkpoint to the page's start `(X, 0)` (X = where the previous page's last record ends,
 * prepare 0 as AllReader's NextPos), a checkpoint goes out every `checkpointInterval` considered
 * records and once on reaching the end. Live, a checkpoint is the last scanned record's position.
 */
export async function subscribeToAll(
  log: InMemoryLog,
  { from, filter, uuidFormat }: AllSubscription,
  responses: ResponseWriter<ReadResp>,
  behaviour: SubscriptionBehaviour = DEFAULT_SUBSCRIPTION_BEHAVIOUR,
): Promise<void> {
  await responses.write(confirmationResponse(randomUUID()));
  let next = from === 'start' ? 0 : from === 'end' ? log.size : log.firstIndexAfter(from);
  /** The last event or checkpoint position sent towards the client (the enumerator's `checkpoint`). */
  let checkpoint: TfPosition =
    from === 'start'
      ? HEAD_OF_TF
      : from === 'end'
        ? next > 0
          ? positionOf(log.recordAt(next - 1))
          : HEAD_OF_TF
        : from;
  let lastCheckpointSent: TfPosition | undefined;
  const sendCheckpoint = async (position: TfPosition): Promise<void> => {
    if (compareTfPositions(position, HEAD_OF_TF) === 0) return;
    // The enumerator drops a checkpoint at or before the previous one.
    if (lastCheckpointSent && compareTfPositions(position, lastCheckpointSent) <= 0) return;
    lastCheckpointSent = position;
    await responses.write(checkpointResponse(position));
  };
  const send = async (record: LogRecord): Promise<void> => {
    if (!filter || filter.filter.matches(record)) {
      await responses.write(eventResponse(record, uuidFormat));
      checkpoint = positionOf(record);
    }
  };
  let considered = 0;

  while (responses.isOpen) {
    // Catch-up: pages of the search window (one page without a filter), as FilteredReadAllEventsForward.
    let pageStart = checkpoint;
    for (;;) {
      const pageEnd = filter ? Math.min(next + filter.searchWindow, log.size) : log.size;
      const pageLength = pageEnd - next;
      while (next < pageEnd && responses.isOpen) await send(log.recordAt(next++));
      if (!responses.isOpen) return;
      if (!filter) break;
      const nextPage = pageLength > 0 ? { commit: log.postPositionAt(next - 1), prepare: 0 } : pageStart;
      if (compareTfPositions(checkpoint, pageStart) < 0 && compareTfPositions(pageStart, nextPage) < 0) {
        checkpoint = pageStart;
      }
      considered += pageLength;
      if (pageLength < filter.searchWindow) {
        if (
          compareTfPositions(checkpoint, FIRST_RECORD_OF_TF) < 0 &&
          compareTfPositions(FIRST_RECORD_OF_TF, nextPage) < 0
        ) {
          checkpoint = FIRST_RECORD_OF_TF;
        }
        await sendCheckpoint(checkpoint);
        break;
      }
      if (considered >= filter.checkpointInterval) {
        considered %= filter.checkpointInterval;
        await sendCheckpoint(checkpoint);
      }
      pageStart = nextPage;
    }
    if (behaviour.version !== '22.10') await responses.write(caughtUpResponse());

    // Live.
    let fellBehind = false;
    while (!fellBehind && responses.isOpen) {
      while (next < log.size && responses.isOpen) {
        if (log.size - next > behaviour.liveBufferSize) {
          if (behaviour.version !== '24.10') return responses.fail(consumerTooSlowError());
          // 24.x: a checkpoint, then back to catch-up from what was last sent (GoLive's sequence gap).
          if (filter) await sendCheckpoint(checkpoint);
          fellBehind = true;
          break;
        }
        const record = log.recordAt(next++);
        await send(record);
        if (filter && ++considered >= filter.checkpointInterval) {
          considered = 0;
          await sendCheckpoint(positionOf(record));
        }
      }
      if (!fellBehind) await log.waitForRecordsBeyond(next, responses.signal);
    }
  }
}

const positionOf = (record: LogRecord): TfPosition => ({ commit: record.position, prepare: record.position });

/**
 * 23.10's Enumerator.AllSubscription.ConsumerTooSlow: ReadResponseException.Timeout, which
 * Streams.Read turns into RpcExceptions.Timeout (status ABORTED).
 */
const consumerTooSlowError = (): ServerErrorResponse =>
  grpcError(
    status.ABORTED,
    'Operation timed out: Consumer too slow to handle event while live. Client resubscription required.',
  );

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
