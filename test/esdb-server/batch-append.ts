import type { handleBidiStreamingCall } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { UUID } from '@eventstore/db-client/generated/shared_pb.js';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { Status } from '@eventstore/db-client/generated/status_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { sizeOnDisk } from './append-size.js';
import type { ExpectedRevision } from './expected-revision.js';
import type { WriteOutcome } from './in-memory-log.js';
import type { ProposedEvent } from './log-record.js';
import { expectedRevisionOf, proposedEventOf, streamIdentifierOf, streamNameOf, uuidOf } from './proto-mapping.js';
import {
  badRequestStatus,
  maximumAppendEventSizeExceededStatus,
  maximumAppendSizeExceededStatus,
  notHandledStatus,
  streamDeletedStatus,
  timeoutStatus,
  wrongExpectedVersionStatus,
} from './rpc-status.js';
import type { ServerContext } from './server-context.js';
import type { AppendFault } from './write-faults.js';

/** One append in progress: its options came first, its events may span several requests. */
interface PendingAppend {
  readonly streamName: string;
  readonly expected: ExpectedRevision;
  readonly events: ProposedEvent[];
  size: number;
}

type Result = Status | BatchAppendResp.Success;

/**
 * Streams.BatchAppend (bidirectional, one long-lived call per client connection): requests
 * are grouped by correlation id, the first one carries the options, the one with `is_final`
 * triggers the write. Each append gets exactly one response with the same correlation id and
 * the stream identifier; failures are a google.rpc.Status in the response, never a call error.
 */
export function handleBatchAppend(context: ServerContext): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingAppend>();

    const respond = (correlationId: UUID | undefined, streamName: string, result: Result): void => {
      const response = new streamsPb.BatchAppendResp().setStreamIdentifier(streamIdentifierOf(streamName));
      if (correlationId) response.setCorrelationId(correlationId);
      if (result instanceof streamsPb.BatchAppendResp.Success) response.setSuccess(result);
      else response.setError(result);
      // Flow control: stop reading requests until the client takes the responses.
      if (!call.write(response)) {
        call.pause();
        call.once('drain', () => call.resume());
      }
    };

    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId();
      const key = uuidOf(correlationId) ?? '';
      const options = request.getOptions();
      if (options && !pending.has(key)) {
        const started = startAppend(options, context.clock());
        if (!('events' in started)) {
          return respond(correlationId, streamNameOf(options.getStreamIdentifier()), started);
        }
        pending.set(key, started);
      }
      const append = pending.get(key);
      if (!append) return;

      const refusal = addEvents(append, request.getProposedMessagesList(), context);
      if (refusal) {
        pending.delete(key);
        return respond(correlationId, append.streamName, refusal);
      }
      if (!request.getIsFinal()) return;

      pending.delete(key);
      if (!context.writes.accepted) return respond(correlationId, append.streamName, timeoutStatus());
      const fault = context.faults.take(append.streamName);
      if (fault) return respond(correlationId, append.streamName, faultedResult(fault, append, context));
      const outcome = context.log.append(append.streamName, append.expected, append.events);
      respond(correlationId, append.streamName, resultOf(outcome, append));
    });

    call.on('end', () => call.end());
    // The client went away: appends not yet final are dropped, as on the real server.
    call.on('error', () => pending.clear());
  };
}

/**
 * Client 6.2.1 sends the deadline as an absolute time from its own clock (the older
 * `deadline_21_10_0` Timestamp); the server subtracts its own clock (Streams.BatchAppend.cs,
 * GetRequestedTimeout), so a client clock behind the server's by more than the deadline makes
 * every batch time out at once.
 */
function startAppend(options: BatchAppendReq.Options, serverNow: number): PendingAppend | Status {
  if (!options.hasStreamIdentifier()) return badRequestStatus('Required field StreamIdentifier not set.');
  const deadline = options.getDeadline()?.toDate();
  if (deadline && deadline.getTime() <= serverNow) return timeoutStatus();
  const expected = expectedRevisionOf(options.getExpectedStreamPositionCase(), options.getStreamPosition());
  if (!expected) return badRequestStatus('The expected stream position is missing.');
  return { streamName: streamNameOf(options.getStreamIdentifier()), expected, events: [], size: 0 };
}

/** Adds a request's events to the append, or says why the whole append is refused. */
function addEvents(
  append: PendingAppend,
  messages: readonly BatchAppendReq.ProposedMessage[],
  { maxAppendSize, maxAppendEventSize }: ServerContext,
): Status | undefined {
  for (const message of messages) {
    const parsed = proposedEventOf(message);
    if (parsed.kind === 'invalid-id') return badRequestStatus('An event id is not a valid UUID.');
    if (parsed.kind === 'missing-metadata')
      return badRequestStatus(`Required metadata '${parsed.property}' is missing.`);
    const eventSize = sizeOnDisk(parsed.event);
    if (maxAppendEventSize !== undefined && eventSize > maxAppendEventSize) {
      return maximumAppendEventSizeExceededStatus(parsed.event.id, eventSize, maxAppendEventSize);
    }
    append.size += eventSize;
    if (append.size > maxAppendSize) return maximumAppendSizeExceededStatus(maxAppendSize);
    append.events.push(parsed.event);
  }
  return undefined;
}

function faultedResult(fault: AppendFault, append: PendingAppend, context: ServerContext): Result {
  switch (fault) {
    case 'not-ready':
      return notHandledStatus('Server Is Not Ready');
    case 'no-leader':
      return notHandledStatus('No leader info available in response');
    case 'commit-timeout-landed':
      context.log.append(append.streamName, append.expected, append.events);
      return timeoutStatus();
    case 'commit-timeout-lost':
      return timeoutStatus();
  }
}

function resultOf(outcome: WriteOutcome, append: PendingAppend): Result {
  switch (outcome.kind) {
    case 'written':
      return successOf(outcome.lastRevision, outcome.position);
    case 'wrong-expected-version':
      return wrongExpectedVersionStatus(outcome.currentRevision, append.expected);
    case 'stream-deleted':
      return streamDeletedStatus(append.streamName);
  }
}

function successOf(lastRevision: number, position: number | undefined): BatchAppendResp.Success {
  const success = new streamsPb.BatchAppendResp.Success();
  if (lastRevision < 0) success.setNoStream(new emptyPb.Empty());
  else success.setCurrentRevision(String(lastRevision));
  if (position === undefined) return success.setNoPosition(new emptyPb.Empty());
  const allPosition = new sharedPb.AllStreamPosition()
    .setCommitPosition(String(position))
    .setPreparePosition(String(position));
  return success.setPosition(allPosition);
}
