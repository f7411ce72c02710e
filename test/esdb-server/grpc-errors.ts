import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';

/**
 * Call-level errors as the real server raises them (RpcExceptions): a gRPC status plus trailers.
 * The client's convertToCommandError looks at the `exception` trailer first and only falls back
 * to the status code, so the trailers are what makes each error recognisable.
 */
export function grpcError(
  code: status,
  details: string,
  trailers: Readonly<Record<string, string>> = {},
): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

/** Client: StreamDeletedError (streamName from the `stream-name` trailer). */
export const streamDeletedError = (streamName: string): ServerErrorResponse =>
  grpcError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  });

/**
 * Client: WrongExpectedVersionError. Only Delete and Tombstone fail this way (both worded
 * "Delete ...", as on the real server); Append reports it
 * in its response body and BatchAppend in a google.rpc.Status. `expected-version` is the legacy
 * signed number (any = -2, no_stream = -1, stream_exists = -4) and `actual-version` is -1 when
 * the stream has no events, exactly as the real server fills them.
 */
export const wrongExpectedVersionError = (
  streamName: string,
  expectedVersion: number,
  actualVersion: number,
): ServerErrorResponse =>
  grpcError(
    status.FAILED_PRECONDITION,
    `Delete failed due to WrongExpectedVersion. Stream: ${streamName}, ` +
      `Expected version: ${expectedVersion}, Actual version: ${actualVersion}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': streamName,
      'expected-version': String(expectedVersion),
      'actual-version': String(actualVersion),
    },
  );

/** Client: MaxAppendSizeExceededError. */
export const maximumAppendSizeExceededError = (maxAppendSize: number): ServerErrorResponse =>
  grpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

/** Client: RequiredMetadataPropertyMissingError. */
export const requiredMetadataPropertyMissingError = (property: string): ServerErrorResponse =>
  grpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

/** No `exception` trailer: the client turns it into an UnknownError carrying this status. */
export const invalidArgumentError = (details: string): ServerErrorResponse =>
  grpcError(status.INVALID_ARGUMENT, details);

/** Append on a starting node (RpcExceptions.ServerNotReady): the client gives UnavailableError. */
export const serverNotReadyError = (): ServerErrorResponse => grpcError(status.UNAVAILABLE, 'Server Is Not Ready');

/** Append during an election (RpcExceptions.NoLeaderInfo): UNKNOWN, so the client gives UnknownError. */
export const noLeaderInfoError = (): ServerErrorResponse =>
  grpcError(status.UNKNOWN, 'No leader info available in response');

/** Append's CommitTimeout/PrepareTimeout/ForwardTimeout (RpcExceptions.Timeout): ABORTED, client TimeoutError. */
export const commitTimeoutError = (): ServerErrorResponse =>
  grpcError(status.ABORTED, 'Operation timed out: Commit timed out.');

/** 25.1's per-event limit (RpcExceptions.MaxAppendEventSizeExceeded): client 6.2.1 gives UnknownError. */
export const maximumAppendEventSizeExceededError = (
  eventId: string,
  proposedSize: number,
  maxSize: number,
): ServerErrorResponse =>
  grpcError(
    status.INVALID_ARGUMENT,
    `Event with Id: ${eventId}, Size: ${proposedSize}, exceeds Maximum Append Event Size of ${maxSize}.`,
    {
      exception: 'maximum-append-event-size-exceeded',
      'maximum-append-event-size': String(maxSize),
      'event-id': eventId,
      'proposed-append-event-size': String(proposedSize),
    },
  );
