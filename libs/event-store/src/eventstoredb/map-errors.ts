import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NoStreamError,
  NotLeaderError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  convertToCommandError,
} from '@eventstore/db-client';
import {
  ActualRevision,
  EventStoreError,
  EventTooLargeError,
  ExpectedRevision,
  InvalidEventError,
  StoreUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../port/index.js';

/** What the adapter knows about the call that failed: the client's errors don't always carry it. */
export interface FailedCallContext {
  /** The stream the caller named (the client may name another one, e.g. a metastream, or none). */
  readonly streamName?: string;
  /** What the caller expected: the client reports `no_stream`/`any` as negative numbers on some paths. */
  readonly expected?: ExpectedRevision;
}

/**
 * Turns whatever the client threw into the port's errors, so callers never depend on the client.
 * Errors that are neither a port concept nor a sign the server can't be reached are returned as they are.
 */
export function toPortError(error: unknown, context: FailedCallContext = {}): unknown {
  if (error instanceof EventStoreError) return error;
  const clientError = toClientCommandError(error);

  if (clientError instanceof ClientWrongExpectedVersionError) {
    return new WrongExpectedVersionError(
      context.streamName ?? clientError.streamName,
      context.expected ?? toExpectedRevision(clientError.expectedVersion),
      toActualRevision(clientError.actualVersion),
    );
  }
  if (clientError instanceof ClientStreamDeletedError) {
    return new StreamDeletedError(context.streamName ?? clientError.streamName);
  }
  if (clientError instanceof ClientStreamNotFoundError) {
    return new StreamNotFoundError(context.streamName ?? clientError.streamName);
  }
  if (clientError instanceof NoStreamError) {
    return new StreamNotFoundError(context.streamName ?? '');
  }
  if (clientError instanceof MaxAppendSizeExceededError) {
    // The caller's batch is too big for the server: retrying won't help, splitting will.
    return new InvalidEventError(
      `Append to '${context.streamName ?? '?'}' exceeds the server's maximum append size of ${clientError.maxAppendSize} bytes`,
    );
  }
  const tooLarge = eventTooLarge(clientError);
  if (tooLarge) return new EventTooLargeError(context.streamName ?? '?', tooLarge.maxEventSize, tooLarge.eventId);
  if (meansServerUnreachable(clientError)) {
    return new StoreUnavailableError(describeError(clientError), error);
  }
  return clientError;
}

/**
 * A commit timeout: the server took the append but could not confirm it in time (BatchAppend's
 * Status Timeout, Append's ABORTED "Operation timed out"). Unlike the other unreachable cases,
 * the events may have been written: the outcome is unknown, not failed.
 */
export function meansCommitTimedOut(error: unknown): boolean {
  const clientError = toClientCommandError(error);
  return clientError instanceof DeadlineExceededError || clientError instanceof TimeoutError;
}

/**
 * A node that cannot take the write for now: starting ("Server Is Not Ready"), overloaded, or
 * electing a leader ("No leader info available in response"). BatchAppend sends these as a
 * Status without a code or known details, which client 6.2.1 turns into UnknownError
 * "Could not recognize <message>"; Append sends UNAVAILABLE or UNKNOWN with the same words.
 */
const NODE_CANNOT_WRITE_YET = /Server Is Not Ready|Server Is (Too )?Busy|No leader info available/;

/** 25.1's per-event limit: client 6.2.1 doesn't know it and gives an UnknownError. */
function eventTooLarge(error: unknown): { maxEventSize?: number; eventId?: string } | undefined {
  if (!(error instanceof UnknownError)) return undefined;
  const trailers = (error as { _raw?: { metadata?: { getMap(): Record<string, unknown> } } })._raw?.metadata?.getMap();
  if (trailers?.exception?.toString() === 'maximum-append-event-size-exceeded') {
    const max = Number(trailers['maximum-append-event-size']?.toString());
    return { maxEventSize: Number.isFinite(max) ? max : undefined, eventId: trailers['event-id']?.toString() };
  }
  return /MaximumAppendEventSizeExceeded/.test(error.message) ? {} : undefined;
}

/**
 * 23.10's answer to a live subscriber that fell behind: ABORTED "Operation timed out: Consumer too
 * slow to handle event while live. Client resubscription required." (Enumerator.AllSubscription).
 */
export function meansConsumerTooSlow(error: unknown): boolean {
  const clientError = toClientCommandError(error);
  return clientError instanceof TimeoutError && /Consumer too slow/i.test(clientError.message);
}

/** True when the failure is about reaching the server, not about the request: the caller may retry. */
export function meansServerUnreachable(error: unknown): boolean {
  const clientError = toClientCommandError(error);
  if (
    clientError instanceof UnavailableError ||
    clientError instanceof DeadlineExceededError ||
    clientError instanceof CancelledError ||
    clientError instanceof NotLeaderError ||
    clientError instanceof TimeoutError
  ) {
    return true;
  }
  if (clientError instanceof UnknownError) {
    // grpc-js reports a transport cut mid-call as INTERNAL "Received RST_STREAM ..." or "Connection dropped".
    return (
      /RST_STREAM|Connection dropped|write after end|GOAWAY/i.test(clientError.message) ||
      NODE_CANNOT_WRITE_YET.test(clientError.message)
    );
  }
  if (!(clientError instanceof Error)) return false;
  const systemCode = (clientError as NodeJS.ErrnoException).code;
  if (typeof systemCode === 'string' && UNREACHABLE_SYSTEM_CODES.has(systemCode)) return true;
  // Thrown by the client's cluster discovery when no node answers.
  return /^Failed to discover after \d+ attempts/.test(clientError.message);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

const UNREACHABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

/**
 * The client converts gRPC errors itself on most paths, but not all (e.g. a failed server-features
 * probe before an append surfaces the raw gRPC ServiceError): convert again, harmlessly.
 */
function toClientCommandError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  // convertToCommandError only inspects objects carrying gRPC `metadata` or a numeric `code`.
  return convertToCommandError(error as Error);
}

function toExpectedRevision(clientExpected: unknown): ExpectedRevision {
  if (clientExpected === 'any' || clientExpected === 'no_stream' || clientExpected === 'stream_exists') {
    return clientExpected;
  }
  if (typeof clientExpected === 'bigint') {
    // EventStoreDB's wire numbers for the special expectations (ExpectedVersion in the server).
    if (clientExpected === -1n) return 'no_stream';
    if (clientExpected === -4n) return 'stream_exists';
    if (clientExpected < 0n) return 'any';
    return clientExpected;
  }
  return 'any';
}

function toActualRevision(clientActual: unknown): ActualRevision {
  return typeof clientActual === 'bigint' && clientActual >= 0n ? clientActual : 'no_stream';
}
