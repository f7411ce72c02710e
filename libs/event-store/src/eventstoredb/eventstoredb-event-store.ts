import {
  BACKWARDS,
  END,
  jsonEvent,
  metastreamOf,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type AppendResult as ClientAppendResult,
  type DeleteResult as ClientDeleteResult,
  type EventStoreDBClient,
  type ExpectedRevision as ClientDeleteExpectedRevision,
} from '@eventstore/db-client';
import {
  AllSubscription,
  AppendOutcomeUnknownError,
  AppendResult,
  DeleteResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  StoreUnavailableError,
  StreamMetadata,
  StreamMetadataResult,
  StreamNotFoundError,
  SubscribeToAllOptions,
  WrongExpectedVersionError,
  validateEventsToAppend,
  validateStreamMetadata,
} from '../port/index.js';
import { EventStoreDBAllSubscription, ReconnectPolicy } from './all-subscription.js';
import { ClientReads, cancelQuietly } from './client-reads.js';
import { ClientStreamReader } from './client-stream-reader.js';
import { disposeClient } from './dispose-client.js';
import { describeError, meansCommitTimedOut, toPortError } from './map-errors.js';
import { toClientEventData } from './map-event-to-append.js';
import { fromClientPosition, toClientDeleteExpectedRevision, toClientExpectedRevision } from './map-positions.js';
import { readServerVersion, unsupportedServerVersion } from './server-version.js';
import { fromWireStreamMetadata, toWireStreamMetadata } from './map-stream-metadata.js';
import { readBackAppend } from './read-back-append.js';
import { assertValidFilter } from './subscription-filter.js';

export interface EventStoreDBEventStoreOptions {
  /** Default for subscriptions that don't say how to reconnect. */
  readonly subscriptionReconnect?: ReconnectPolicy;
  /** How long `health()` waits for the server before calling it unhealthy. */
  readonly healthTimeoutMs?: number;
  /** The deadline sent with each append; see DEFAULT_APPEND_DEADLINE_MS. */
  readonly appendDeadlineMs?: number;
}

/**
 * Client 6.2.1 sends BatchAppend's deadline as an absolute time from this machine's clock, and the
 * server measures it against its own (then caps it at its write timeout, 2 s by default). The
 * client's 10 s default turns a client clock more than 10 s behind the server's into a timeout of
 * every append. A minute tolerates that much skew and changes nothing else: the server still
 * answers within its write timeout, and BatchAppend has no client-side deadline. Over
 * Streams.Append (servers without BatchAppend) it is the gRPC deadline, relative, so skew-free.
 */
export const DEFAULT_APPEND_DEADLINE_MS = 60_000;

export const DEFAULT_SUBSCRIPTION_RECONNECT: ReconnectPolicy = { maxAttempts: 10, delayMs: 500 };
const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
/** Bounded so that a stream written to non-stop can't keep a `stream_exists` delete retrying forever. */
const STREAM_EXISTS_DELETE_ATTEMPTS = 5;

/**
 * What an empty append reports for a stream with no events: EventStoreDB's own "no stream" revision,
 * and no position (-1) since nothing was ever written. The port has no other way to say it.
 */
const NO_STREAM_REVISION = -1n;
/** Never written: the health check's append to it must be refused for its expected revision. */
const HEALTH_WRITE_PROBE_STREAM = 'helpdesk-health-write-probe';
const UNREACHABLE_REVISION = 2n ** 62n;
const NO_POSITION: Position = { commit: -1n, prepare: -1n };

/** The event store port on EventStoreDB, through the official gRPC client. */
export class EventStoreDBEventStore implements EventStore {
  private readonly subscriptionReconnect: ReconnectPolicy;
  private readonly healthTimeoutMs: number;
  private readonly appendDeadlineMs: number;
  private readonly openSubscriptions = new Set<EventStoreDBAllSubscription>();
  private readonly reads: ClientReads;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDBEventStoreOptions = {},
  ) {
    this.subscriptionReconnect = options.subscriptionReconnect ?? DEFAULT_SUBSCRIPTION_RECONNECT;
    this.healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    this.appendDeadlineMs = options.appendDeadlineMs ?? DEFAULT_APPEND_DEADLINE_MS;
    this.reads = new ClientReads(client, () => this.assertOpen());
  }

  async append(
    streamName: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    this.assertOpen();
    validateEventsToAppend(streamName, events);
    const eventData = events.map(toClientEventData);
    const context = { streamName, expected };
    let result: ClientAppendResult;
    try {
      result = await this.client.appendToStream(streamName, eventData, {
        expectedRevision: toClientExpectedRevision(expected),
        deadline: this.appendDeadlineMs,
      });
    } catch (error) {
      if (events.length > 0 && meansCommitTimedOut(error))
        return this.resolveUnknownOutcome(streamName, events, expected, error);
      throw toPortError(error, context);
    }
    return this.toAppendResult(result, { streamName, reportedStreamName: streamName, expected }, events.length === 0);
  }

  /**
   * A commit timeout leaves the outcome unknown: the write may be in the log, only unconfirmed.
   * Found by its event ids, it succeeded; otherwise the caller learns that it may or may not land.
   */
  private async resolveUnknownOutcome(
    streamName: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    timeout: unknown,
  ): Promise<AppendResult> {
    let found: AppendResult | undefined;
    try {
      found = await readBackAppend(
        (name, options) => this.reads.readStream(name, options),
        streamName,
        events,
        expected,
      );
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw new AppendOutcomeUnknownError(streamName, error);
    }
    if (found) return found;
    throw new AppendOutcomeUnknownError(streamName, timeout);
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const read = this.reads.readStream(streamName, options);
    if (options.missing !== 'empty') return read;
    // The client reports a missing stream as an error of its own: here it ends the read instead.
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* read;
        } catch (error) {
          if (!(error instanceof StreamNotFoundError)) throw error;
        }
      },
    };
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.reads.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertOpen();
    assertValidFilter(options.filter);
    const subscription = new EventStoreDBAllSubscription(
      this.client,
      {
        fromPosition: options.fromPosition ?? 'start',
        filter: options.filter,
        reconnect: options.reconnect ?? this.subscriptionReconnect,
      },
      (closed) => this.openSubscriptions.delete(closed),
    );
    this.openSubscriptions.add(subscription);
    return subscription;
  }

  async setStreamMetadata(
    streamName: string,
    metadata: StreamMetadata,
    expectedMetastreamRevision: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    this.assertOpen();
    validateEventsToAppend(streamName, []);
    validateStreamMetadata(metadata);
    // Written as a plain append to the metastream: the client's setStreamMetadata would rename custom
    // keys that look like its own (e.g. `maxAge`) and can't express a bigint truncate-before.
    const metadataEvent = jsonEvent({
      type: '$metadata',
      data: toWireStreamMetadata(await this.keepingDeletionFloor(streamName, metadata)),
    });
    const metastream = metastreamOf(streamName);
    let result: ClientAppendResult;
    try {
      result = await this.client.appendToStream(metastream, metadataEvent, {
        expectedRevision: toClientExpectedRevision(expectedMetastreamRevision),
      });
    } catch (error) {
      throw toPortError(error, { streamName, expected: expectedMetastreamRevision });
    }
    return this.toAppendResult(
      result,
      { streamName: metastream, reportedStreamName: streamName, expected: expectedMetastreamRevision },
      false,
    );
  }

  /**
   * On EventStoreDB a soft delete is only a truncate-before in the metadata, so a metadata write
   * without one would bring deleted events back. Keep the floor; refuse while the stream is deleted.
   */
  private async keepingDeletionFloor(streamName: string, metadata: StreamMetadata): Promise<StreamMetadata> {
    if (metadata.truncateBefore !== undefined) return metadata;
    const current = await this.getStreamMetadata(streamName);
    const floor = current?.metadata.truncateBefore;
    if (floor === undefined) return metadata;
    if (floor > BigInt(Number.MAX_SAFE_INTEGER)) throw new StreamNotFoundError(streamName);
    return { ...metadata, truncateBefore: floor };
  }

  async getStreamMetadata(streamName: string): Promise<StreamMetadataResult | null> {
    this.assertOpen();
    // Read ourselves: the client's getStreamMetadata reports the `$all` commit position as the
    // metastream revision, which would break optimistic concurrency on metadata writes.
    const latest = await this.reads.readLastEvent(metastreamOf(streamName), streamName);
    if (latest === undefined) return null;
    return { metadata: fromWireStreamMetadata(latest.data), metastreamRevision: latest.revision };
  }

  async deleteStream(streamName: string, expected: ExpectedRevision = 'any'): Promise<DeleteResult> {
    this.assertOpen();
    validateEventsToAppend(streamName, []);
    if (expected === 'stream_exists') return this.deleteExistingStream(streamName);
    try {
      return toDeleteResult(
        await this.client.deleteStream(streamName, { expectedRevision: toClientDeleteExpectedRevision(expected) }),
      );
    } catch (error) {
      throw toPortError(error, { streamName, expected });
    }
  }

  async tombstoneStream(streamName: string, expected: ExpectedRevision = 'any'): Promise<DeleteResult> {
    this.assertOpen();
    validateEventsToAppend(streamName, []);
    try {
      // Typed without STREAM_EXISTS in the client, yet sent on the wire like the other expectations.
      const expectedRevision = toClientExpectedRevision(expected) as ClientDeleteExpectedRevision;
      return toDeleteResult(await this.client.tombstoneStream(streamName, { expectedRevision }));
    } catch (error) {
      throw toPortError(error, { streamName, expected });
    }
  }

  /**
   * Healthy only if the server answers a read and would take a write: an append to a stream that
   * is never written, at a revision it can never have, must come back as a wrong expected version.
   * Only a leader that accepts writes checks that (nothing is written); a node without a leader,
   * not ready, or gone answers otherwise or not in time.
   */
  async health(): Promise<StoreHealth> {
    if (this.closed) return { adapter: 'eventstoredb', healthy: false, detail: 'closed' };
    const startedAt = Date.now();
    try {
      await this.probeRead();
      const unsupported = unsupportedServerVersion(await readServerVersion(this.client));
      if (unsupported) return { adapter: 'eventstoredb', healthy: false, detail: unsupported };
      await this.probeWrite();
      return {
        adapter: 'eventstoredb',
        healthy: true,
        detail: `reachable and writable (${Date.now() - startedAt} ms)`,
      };
    } catch (error) {
      return { adapter: 'eventstoredb', healthy: false, detail: describeError(toPortError(error)) };
    }
  }

  private async probeRead(): Promise<void> {
    // The cheapest call that needs a live server: the last record of `$all` (system records included).
    const probe = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const reader = new ClientStreamReader(probe);
    // Reads carry no gRPC deadline in this client, so bound the wait ourselves.
    const timer = setTimeout(
      () => reader.fail(new Error(`no answer within ${this.healthTimeoutMs} ms`)),
      this.healthTimeoutMs,
    );
    try {
      await reader.next();
    } finally {
      clearTimeout(timer);
      await cancelQuietly(probe);
    }
  }

  private async probeWrite(): Promise<void> {
    const probe = jsonEvent({ type: 'HealthWriteProbe', data: {} });
    const append = this.client.appendToStream(HEALTH_WRITE_PROBE_STREAM, probe, {
      expectedRevision: UNREACHABLE_REVISION,
      deadline: this.healthTimeoutMs,
    });
    // The deadline is the server's to keep; a server that keeps nothing must not hold /health.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to a write within ${this.healthTimeoutMs} ms`)),
        this.healthTimeoutMs,
      );
    });
    try {
      await Promise.race([append, late]);
    } catch (error) {
      if (error instanceof ClientWrongExpectedVersionError) return;
      throw error;
    } finally {
      clearTimeout(timer);
      append.catch(() => undefined);
    }
    throw new Error(`the write probe was accepted: ${HEALTH_WRITE_PROBE_STREAM} has ${UNREACHABLE_REVISION} events?`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.openSubscriptions].map((subscription) => subscription.close()));
    this.reads.failAll(new StoreUnavailableError('the EventStoreDB adapter was closed'));
    await disposeClient(this.client);
  }

  private async toAppendResult(
    result: ClientAppendResult,
    target: { streamName: string; reportedStreamName: string; expected: ExpectedRevision },
    appendedNothing: boolean,
  ): Promise<AppendResult> {
    const { streamName, reportedStreamName, expected } = target;
    if (!result.success) {
      // Only reachable if the connection string sets throwOnAppendFailure=false: fail as the port says.
      const actual = result.nextExpectedRevision >= 0n ? result.nextExpectedRevision : 'no_stream';
      throw new WrongExpectedVersionError(reportedStreamName, expected, actual);
    }
    if (appendedNothing) {
      // An empty append only checks the expectation, and this client reports a missing stream as
      // revision 0 then: ask the stream itself where it stands.
      const last = await this.reads.readLastEvent(streamName, reportedStreamName);
      if (last === undefined) return { nextExpectedRevision: NO_STREAM_REVISION, position: NO_POSITION };
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    if (result.position === undefined) {
      // The server leaves the position out when an idempotent retry wrote nothing. The revision it
      // reports is the original write's (possibly not the stream's head any more): look that event up.
      const original = await this.reads.readEventAt(streamName, result.nextExpectedRevision, reportedStreamName);
      return { nextExpectedRevision: result.nextExpectedRevision, position: original?.position ?? NO_POSITION };
    }
    return { nextExpectedRevision: result.nextExpectedRevision, position: fromClientPosition(result.position) };
  }

  /**
   * The client's deleteStream can't send STREAM_EXISTS (its tombstone can): pin the current
   * revision and delete at exactly that one, starting over if someone appended in between.
   */
  private async deleteExistingStream(streamName: string): Promise<DeleteResult> {
    let lastSeenRevision: bigint | undefined;
    for (let attempt = 0; attempt < STREAM_EXISTS_DELETE_ATTEMPTS; attempt++) {
      const last = await this.reads.readLastEvent(streamName);
      if (last === undefined) throw new WrongExpectedVersionError(streamName, 'stream_exists', 'no_stream');
      lastSeenRevision = last.revision;
      try {
        return toDeleteResult(await this.client.deleteStream(streamName, { expectedRevision: last.revision }));
      } catch (error) {
        if (error instanceof ClientWrongExpectedVersionError) continue;
        throw toPortError(error, { streamName, expected: 'stream_exists' });
      }
    }
    throw new WrongExpectedVersionError(streamName, 'stream_exists', lastSeenRevision ?? 'no_stream');
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the EventStoreDB adapter was closed');
  }
}

function toDeleteResult(result: ClientDeleteResult): DeleteResult {
  return result.position === undefined ? {} : { position: fromClientPosition(result.position) };
}
