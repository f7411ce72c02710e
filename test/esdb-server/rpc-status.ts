import codePb from '@eventstore/db-client/generated/code_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import type { Status } from '@eventstore/db-client/generated/status_pb.js';
import jspb from 'google-protobuf';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type { ExpectedRevision } from './expected-revision.js';
import { streamIdentifierOf } from './proto-mapping.js';

/**
 * BatchAppend reports a failed write inside its response as a google.rpc.Status whose
 * `details` Any packs an event_store.client message; the client dispatches on the Any's type
 * name (unpackToCommandError), so the type names below must be exact.
 */
const { Code } = codePb;

function rpcStatus(
  code: number,
  message: string,
  details: { serializeBinary(): Uint8Array },
  typeName: string,
): Status {
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(packed);
}

/** Client: WrongExpectedVersionError with current (or "no_stream") and expected revisions. */
export function wrongExpectedVersionStatus(currentRevision: number, expected: ExpectedRevision): Status {
  const details = new sharedPb.WrongExpectedVersion();
  if (currentRevision < 0) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(String(currentRevision));
  switch (expected.kind) {
    case 'any':
      details.setExpectedAny(new emptyPb.Empty());
      break;
    case 'no_stream':
      details.setExpectedNoStream(new emptyPb.Empty());
      break;
    case 'stream_exists':
      details.setExpectedStreamExists(new emptyPb.Empty());
      break;
    case 'exact':
      details.setExpectedStreamPosition(String(expected.revision));
      break;
  }
  return rpcStatus(Code.ALREADY_EXISTS, 'WrongExpectedVersion', details, 'event_store.client.WrongExpectedVersion');
}

/** Client: StreamDeletedError (it takes the stream name from the response's stream_identifier). */
export function streamDeletedStatus(streamName: string): Status {
  const details = new sharedPb.StreamDeleted().setStreamIdentifier(streamIdentifierOf(streamName));
  return rpcStatus(Code.NOT_FOUND, 'StreamDeleted', details, 'event_store.client.StreamDeleted');
}

/** Client: MaxAppendSizeExceededError. */
export function maximumAppendSizeExceededStatus(maxAppendSize: number): Status {
  const details = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize);
  const typeName = 'event_store.client.MaximumAppendSizeExceeded';
  return rpcStatus(Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, typeName);
}

/** Client: DeadlineExceededError. */
export function timeoutStatus(): Status {
  return rpcStatus(Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout');
}

/** Client: UnknownError ("Could not recognize BadRequest"), as for a real server. */
export function badRequestStatus(message: string): Status {
  const details = new sharedPb.BadRequest().setMessage(message);
  return rpcStatus(Code.INVALID_ARGUMENT, 'BadRequest', details, 'event_store.client.BadRequest');
}

/**
 * A node that cannot take the write (NotHandled: not ready, no leader, too busy): BatchAppend
 * answers a Status with no code (0) and an empty `Any(google.protobuf.Empty)` as details
 * (Streams.BatchAppend.cs, ConvertMessage). Client 6.2.1 knows no such type: UnknownError
 * "Could not recognize <message>".
 */
export function notHandledStatus(message: 'Server Is Not Ready' | 'No leader info available in response'): Status {
  return rpcStatus(0, message, new emptyPb.Empty(), 'google.protobuf.Empty');
}

/**
 * 25.1's per-event limit (Status.MaximumAppendEventSizeExceeded). Client 6.2.1 has no class for
 * the details (event_id = 1, proposed_event_size = 2, max_append_event_size = 3), so they are
 * encoded by hand; it answers UnknownError "Could not recognize MaximumAppendEventSizeExceeded".
 */
export function maximumAppendEventSizeExceededStatus(eventId: string, proposedSize: number, maxSize: number): Status {
  const details = {
    serializeBinary(): Uint8Array {
      const writer = new jspb.BinaryWriter();
      writer.writeString(1, eventId);
      writer.writeUint32(2, proposedSize);
      writer.writeUint32(3, maxSize);
      return writer.getResultBuffer();
    },
  };
  const typeName = 'event_store.client.MaximumAppendEventSizeExceeded';
  return rpcStatus(Code.INVALID_ARGUMENT, 'MaximumAppendEventSizeExceeded', details, typeName);
}
