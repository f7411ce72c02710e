import { status, type handleClientStreamingCall, type ServerErrorResponse } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import { sizeOnDisk } from './append-size.js';
import type { ExpectedRevision } from './expected-revision.js';
import {
  commitTimeoutError,
  grpcError,
  invalidArgumentError,
  maximumAppendEventSizeExceededError,
  maximumAppendSizeExceededError,
  noLeaderInfoError,
  serverNotReadyError,
  requiredMetadataPropertyMissingError,
  streamDeletedError,
} from './grpc-errors.js';
import type { ProposedEvent } from './log-record.js';
import { expectedRevisionOf, proposedEventOf, streamNameOf } from './proto-mapping.js';
import type { ServerContext } from './server-context.js';

/**
 * Streams.Append (client streaming): the options message first, then one message per event;
 * the write happens when the client half-closes. A wrong expected version is a normal response
 * (`wrong_expected_version`), only a deleted stream or a malformed request fails the call.
 */
export function handleAppend(context: ServerContext): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: ServerErrorResponse): void => {
      if (settled) return;
      settled = true;
      callback(error);
    };

    call.on('data', (request: AppendReq) => {
      if (settled) return;
      if (!options) {
        options = request.getOptions();
        if (!options) fail(invalidArgumentError('The first message of an append must carry its options.'));
        return;
      }
      const message = request.getProposedMessage();
      if (!message) return fail(invalidArgumentError('Only the first message of an append may carry options.'));
      const parsed = proposedEventOf(message);
      if (parsed.kind === 'missing-metadata') return fail(requiredMetadataPropertyMissingError(parsed.property));
      if (parsed.kind === 'invalid-id') return fail(invalidArgumentError('An event id is not a valid UUID.'));
      const eventSize = sizeOnDisk(parsed.event);
      const { maxAppendEventSize } = context;
      if (maxAppendEventSize !== undefined && eventSize > maxAppendEventSize) {
        return fail(maximumAppendEventSizeExceededError(parsed.event.id, eventSize, maxAppendEventSize));
      }
      size += eventSize;
      if (size > context.maxAppendSize) return fail(maximumAppendSizeExceededError(context.maxAppendSize));
      events.push(parsed.event);
    });

    call.on('end', () => {
      if (settled) return;
      if (!options) return fail(invalidArgumentError('An append needs an options message.'));
      const expected = expectedRevisionOf(options.getExpectedStreamRevisionCase(), options.getRevision());
      if (!expected) return fail(invalidArgumentError('The expected stream revision is missing.'));
      const streamName = streamNameOf(options.getStreamIdentifier());
      if (!context.writes.accepted) return fail(grpcError(status.DEADLINE_EXCEEDED, 'Timeout'));
      switch (context.faults.take(streamName)) {
        case 'not-ready':
          return fail(serverNotReadyError());
        case 'no-leader':
          return fail(noLeaderInfoError());
        case 'commit-timeout-landed':
          context.log.append(streamName, expected, events);
          return fail(commitTimeoutError());
        case 'commit-timeout-lost':
          return fail(commitTimeoutError());
        case undefined:
          break;
      }
      const outcome = context.log.append(streamName, expected, events);
      if (outcome.kind === 'stream-deleted') return fail(streamDeletedError(streamName));
      settled = true;
      callback(
        null,
        outcome.kind === 'written'
          ? successResponse(outcome.lastRevision, outcome.position)
          : wrongExpectedVersionResponse(outcome.currentRevision, expected),
      );
    });

    // The client went away mid-append: nothing was written and there is nobody to answer.
    call.on('error', () => {
      settled = true;
    });
  };
}

function successResponse(lastRevision: number, position: number | undefined): AppendResp {
  const success = new streamsPb.AppendResp.Success();
  if (lastRevision < 0) success.setNoStream(new sharedPb.Empty());
  else success.setCurrentRevision(String(lastRevision));
  if (position === undefined) success.setNoPosition(new sharedPb.Empty());
  else {
    success.setPosition(
      new streamsPb.AppendResp.Position().setCommitPosition(String(position)).setPreparePosition(String(position)),
    );
  }
  return new streamsPb.AppendResp().setSuccess(success);
}

/** Fills the current fields and, like the real server, the deprecated 20.6.0 ones as well. */
function wrongExpectedVersionResponse(currentRevision: number, expected: ExpectedRevision): AppendResp {
  const details = new streamsPb.AppendResp.WrongExpectedVersion();
  if (currentRevision < 0) details.setCurrentNoStream(new sharedPb.Empty()).setNoStream2060(new sharedPb.Empty());
  else details.setCurrentRevision(String(currentRevision)).setCurrentRevision2060(currentRevision);
  switch (expected.kind) {
    case 'any':
      details.setExpectedAny(new sharedPb.Empty()).setAny2060(new sharedPb.Empty());
      break;
    case 'stream_exists':
      details.setExpectedStreamExists(new sharedPb.Empty()).setStreamExists2060(new sharedPb.Empty());
      break;
    case 'no_stream':
      details.setExpectedNoStream(new sharedPb.Empty());
      break;
    case 'exact':
      details.setExpectedRevision(String(expected.revision)).setExpectedRevision2060(expected.revision);
      break;
  }
  return new streamsPb.AppendResp().setWrongExpectedVersion(details);
}
