import { Metadata, status } from '@grpc/grpc-js';
import {
  AccessDeniedError,
  CancelledError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  EventTooLargeError,
  InvalidEventError,
  StoreUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../port/index.js';
import { toPortError } from './map-errors.js';
import { fromWireEventMetadata, toWireEventMetadata } from './map-event-metadata.js';
import { toClientEventData } from './map-event-to-append.js';
import { fromWireStreamMetadata, toWireStreamMetadata } from './map-stream-metadata.js';

/** A gRPC ServiceError as grpc-js builds it. */
function serviceError(code: status, details: string, exception?: Record<string, string>): Error {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(exception ?? {})) metadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

describe('EventStoreDB adapter mappings', () => {
  describe('client errors → port errors', () => {
    it('maps wrong expected version with the caller’s expectation and the actual revision', () => {
      const fromAppend = new ClientWrongExpectedVersionError(undefined, {
        streamName: 's-1',
        expected: 'stream_exists',
        current: 'no_stream',
      });
      expect(toPortError(fromAppend, { streamName: 's-1', expected: 'stream_exists' })).toMatchObject({
        constructor: WrongExpectedVersionError,
        streamName: 's-1',
        expected: 'stream_exists',
        actual: 'no_stream',
      });
      // the delete path builds it from gRPC trailers, with ESDB's negative wire numbers
      const fromTrailers = serviceError(status.UNKNOWN, 'wrong', {
        exception: 'wrong-expected-version',
        'stream-name': 's-2',
        'expected-version': '-1',
        'actual-version': '4',
      });
      const mapped = toPortError(fromTrailers);
      expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
      expect(mapped).toMatchObject({ streamName: 's-2', expected: 'no_stream', actual: 4n });
    });

    it('maps deleted and missing streams, naming the caller’s stream', () => {
      expect(toPortError(ClientStreamDeletedError.fromStreamName('$$s'), { streamName: 's' })).toEqual(
        new StreamDeletedError('s'),
      );
      expect(toPortError(new ClientStreamNotFoundError(undefined, 'x'))).toEqual(new StreamNotFoundError('x'));
      const trailers = serviceError(status.FAILED_PRECONDITION, 'deleted', {
        exception: 'stream-deleted',
        'stream-name': 'y',
      });
      expect(toPortError(trailers)).toEqual(new StreamDeletedError('y'));
    });

    it('maps every "cannot reach the server" failure to StoreUnavailableError, keeping the cause', () => {
      const cases: unknown[] = [
        new UnavailableError(),
        new CancelledError(),
        serviceError(status.UNAVAILABLE, 'No connection established'),
        serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
        serviceError(status.INTERNAL, 'Received RST_STREAM with code 2 (Internal server error)'),
        serviceError(status.UNAVAILABLE, 'Connection dropped'),
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        new Error('Failed to discover after 10 attempts.'),
      ];
      for (const error of cases) {
        const mapped = toPortError(error);
        expect(mapped).toBeInstanceOf(StoreUnavailableError);
        expect((mapped as Error).cause).toBe(error);
      }
    });

    it('maps a node that cannot write yet (starting, electing) to StoreUnavailableError, as BatchAppend and Append report it', () => {
      const cases: unknown[] = [
        new UnknownError(undefined, 'Could not recognize Server Is Not Ready'),
        new UnknownError(undefined, 'Could not recognize No leader info available in response'),
        new UnknownError(undefined, 'Could not recognize Server Is Busy'),
        serviceError(status.UNKNOWN, 'No leader info available in response'),
      ];
      for (const error of cases) expect(toPortError(error)).toBeInstanceOf(StoreUnavailableError);
      // Not every unrecognised Status is a node that cannot write: a bad request stays as it is.
      expect(toPortError(new UnknownError(undefined, 'Could not recognize BadRequest'))).toBeInstanceOf(UnknownError);
    });

    it("maps 25.1's per-event size limit to EventTooLargeError, an InvalidEventError (not retryable)", () => {
      const viaBatchAppend = toPortError(
        new UnknownError(undefined, 'Could not recognize MaximumAppendEventSizeExceeded'),
        {
          streamName: 's',
        },
      );
      expect(viaBatchAppend).toBeInstanceOf(EventTooLargeError);
      expect(viaBatchAppend).toBeInstanceOf(InvalidEventError);
      const viaAppend = toPortError(
        serviceError(status.INVALID_ARGUMENT, 'Event with Id: e, Size: 20, exceeds Maximum Append Event Size of 10.', {
          exception: 'maximum-append-event-size-exceeded',
          'maximum-append-event-size': '10',
          'event-id': 'e',
        }),
        { streamName: 's' },
      );
      expect(viaAppend).toMatchObject({ constructor: EventTooLargeError, maxEventSize: 10, eventId: 'e' });
    });

    it('leaves other failures as the client reports them', () => {
      const denied = new AccessDeniedError();
      expect(toPortError(denied)).toBe(denied);
      const bug = new TypeError('boom');
      expect(toPortError(bug)).toBe(bug);
      expect(toPortError(serviceError(status.UNAUTHENTICATED, 'nope'))).toBeInstanceOf(AccessDeniedError);
    });
  });

  describe('event metadata', () => {
    it('sends correlation and causation ids under EventStoreDB’s $-names and reads them back', () => {
      const ours = { correlationId: 'c', causationId: 'k', tenantId: 't', nested: { a: 1 } };
      const wire = toWireEventMetadata(ours);
      expect(wire).toEqual({ $correlationId: 'c', $causationId: 'k', tenantId: 't', nested: { a: 1 } });
      expect(fromWireEventMetadata(wire)).toEqual(ours);
    });

    it('keeps a W3C traceparent under its own name: EventStoreDB has no convention for traces', () => {
      const ours = { correlationId: 'c', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
      const wire = toWireEventMetadata(ours);
      expect(wire).toEqual({ $correlationId: 'c', traceparent: ours.traceparent });
      expect(fromWireEventMetadata(wire)).toEqual(ours);
    });

    it('reads missing or binary metadata as empty, and sends none for empty metadata', () => {
      expect(fromWireEventMetadata(undefined)).toEqual({});
      expect(fromWireEventMetadata(new Uint8Array([1, 2]))).toEqual({});
      expect(toWireEventMetadata({})).toBeUndefined();
    });

    it('refuses data JSON cannot carry instead of letting the client hang', () => {
      const id = '3f3e4c1a-0000-4000-8000-000000000001';
      expect(() => toClientEventData({ id, type: 'T', data: { n: 1n } })).toThrow(InvalidEventError);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => toClientEventData({ id, type: 'T', data: {}, metadata: { cyclic } })).toThrow(InvalidEventError);
      expect(toClientEventData({ id, type: 'T', data: 42 })).toMatchObject({
        id,
        type: 'T',
        data: 42,
        contentType: 'application/json',
      });
    });
  });

  describe('stream metadata', () => {
    it('round-trips the typed settings and custom keys through the $metadata event', () => {
      const metadata = {
        truncateBefore: 3n,
        maxCount: 10,
        maxAge: 60,
        custom: { owner: 'a', maxAge: 'custom, not system' },
      };
      const wire = toWireStreamMetadata(metadata);
      expect(wire).toEqual({ $tb: 3, $maxCount: 10, $maxAge: 60, owner: 'a', maxAge: 'custom, not system' });
      expect(fromWireStreamMetadata(JSON.parse(JSON.stringify(wire)))).toEqual(metadata);
    });

    it('keeps keys the port does not model ($acl, $cacheControl) in custom, and reads the soft-delete marker exactly', () => {
      expect(fromWireStreamMetadata(JSON.parse('{"$tb":9223372036854775807,"$acl":{"$r":"$all"}}'))).toEqual({
        truncateBefore: 9223372036854775807n,
        custom: { $acl: { $r: '$all' } },
      });
    });

    it('refuses values it cannot write exactly, and reserved custom keys', () => {
      expect(() => toWireStreamMetadata({ truncateBefore: 2n ** 60n })).toThrow(InvalidEventError);
      expect(() => toWireStreamMetadata({ custom: { $tb: 1 } })).toThrow(InvalidEventError);
    });
  });
});
