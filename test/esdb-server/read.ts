import { status, type handleServerStreamingCall } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { grpcError, invalidArgumentError, streamDeletedError } from './grpc-errors.js';
import type { InMemoryLog } from './in-memory-log.js';
import type { LogRecord } from './log-record.js';
import { eventResponse, streamNotFoundResponse } from './read-responses.js';
import { parseReadRequest, type ReadRequest } from './read-request.js';
import { ResponseWriter } from './response-writer.js';
import type { ServerContext } from './server-context.js';
import { subscribeToAll, subscribeToStream } from './subscriptions.js';

type StreamRead = Extract<ReadRequest, { kind: 'read-stream' }>;
type AllRead = Extract<ReadRequest, { kind: 'read-all' }>;

/** Streams.Read: finite reads of a stream or of `$all`, and the four kinds of subscription. */
export function handleRead(context: ServerContext): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    const responses = new ResponseWriter<ReadResp>(call, context.stopping);
    const request = parseReadRequest(call.request);
    if (typeof request === 'string') return responses.fail(invalidArgumentError(request));
    // A bug here must not leave the client waiting: end the call as .NET does for an
    // unhandled exception.
    serveRead(context, request, responses).catch((error: unknown) => {
      responses.fail(grpcError(status.UNKNOWN, `Exception was thrown by handler: ${(error as Error).message}`));
    });
  };
}

async function serveRead(
  { log, subscriptions }: ServerContext,
  request: ReadRequest,
  responses: ResponseWriter<ReadResp>,
): Promise<void> {
  switch (request.kind) {
    case 'read-stream':
      return readStream(log, request, responses);
    case 'read-all':
      return writeAll(responses, readAll(log, request), request);
    case 'subscribe-stream':
      return subscribeToStream(log, request, responses);
    case 'subscribe-all':
      return subscribeToAll(log, request, responses, subscriptions);
  }
}

/**
 * A missing or soft-deleted stream is not an error but a `stream_not_found` message; a
 * tombstoned one ends the call with the stream-deleted error.
 */
async function readStream(log: InMemoryLog, request: StreamRead, responses: ResponseWriter<ReadResp>): Promise<void> {
  const view = log.readStream(request.streamName);
  if (view.kind === 'tombstoned') return responses.fail(streamDeletedError(request.streamName));
  if (view.kind === 'not-found') {
    await responses.write(streamNotFoundResponse(request.streamName));
    return responses.end();
  }
  return writeAll(responses, selectRevisions(view.events, request), request);
}

/** Both directions start at the given revision inclusively; forwards from `end` is empty. */
function selectRevisions(events: readonly LogRecord[], { from, direction, maxCount }: StreamRead): LogRecord[] {
  if (direction === 'forwards') {
    if (from === 'end') return [];
    const first = from === 'start' ? 0 : from;
    return events.filter((event) => event.revision >= first).slice(0, maxCount);
  }
  const last = from === 'end' ? Number.POSITIVE_INFINITY : from === 'start' ? 0 : from;
  return events
    .filter((event) => event.revision <= last)
    .reverse()
    .slice(0, maxCount);
}

/**
 * `$all` holds every record, system ones included (`$metadata` events of `$$…` streams,
 * `$streamDeleted` tombstones). Forwards starts AT the position, backwards with the last record
 * ENDING at or before it (so strictly before an event's own position), as on the real server. The read ends at the log's end as it was when the read began.
 */
function* readAll(log: InMemoryLog, { from, direction, maxCount, filter }: AllRead): Generator<LogRecord> {
  const end = log.size;
  const step = direction === 'forwards' ? 1 : -1;
  let remaining = maxCount;
  for (let index = firstIndexToRead(log, from, direction); remaining > 0 && index >= 0 && index < end; index += step) {
    const record = log.recordAt(index);
    if (filter && !filter.matches(record)) continue;
    remaining -= 1;
    yield record;
  }
}

function firstIndexToRead(log: InMemoryLog, from: AllRead['from'], direction: AllRead['direction']): number {
  if (direction === 'forwards') {
    if (from === 'start') return 0;
    if (from === 'end') return log.size;
    return log.firstIndexAtOrAfter(from);
  }
  if (from === 'start') return -1;
  if (from === 'end') return log.size - 1;
  return log.lastIndexEndingAtOrBefore(from);
}

async function writeAll(
  responses: ResponseWriter<ReadResp>,
  records: Iterable<LogRecord>,
  { uuidFormat }: Pick<ReadRequest, 'uuidFormat'>,
): Promise<void> {
  for (const record of records) {
    if (!responses.isOpen) return;
    await responses.write(eventResponse(record, uuidFormat));
  }
  responses.end();
}
