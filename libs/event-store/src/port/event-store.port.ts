import { ExpectedRevision } from './expected-revision.js';
import { EventToAppend, Position, RecordedEvent } from './recorded-event.js';
import { AllSubscription, SubscribeToAllOptions } from './subscription.js';

export interface AppendResult {
  /** The revision of the stream's last event: pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Default: 'start' forwards, 'end' backwards. */
  readonly fromRevision?: bigint | 'start' | 'end';
  readonly maxCount?: number;
  /**
   * What a missing or soft-deleted stream reads as: `'throw'` (default) throws
   * `StreamNotFoundError`; `'empty'` yields no events, without building an error, for callers that
   * treat "no stream" as an answer (a lookup of a stream that mostly does not exist). A tombstoned
   * stream throws `StreamDeletedError` either way.
   */
  readonly missing?: 'throw' | 'empty';
}

export interface ReadAllOptions {
  readonly direction?: Direction;
  /**
   * Inclusive in both directions (EventStoreDB itself is exclusive going backwards; its adapter
   * compensates). Default: 'start' forwards, 'end' backwards.
   */
  readonly fromPosition?: Position | 'start' | 'end';
  readonly maxCount?: number;
  /**
   * For readers that only look inside some types of event (a rebuild reads the whole log but its
   * projections handle a few types): events of other types may come with `data` null and empty
   * `metadata`, undecoded; their id, type, stream, revision, position and date are real, so
   * positions and counts are those of a full read. A hint: the embedded store skips decoding
   * (the inbox's webhook payloads are the largest events of the log), EventStoreDB's client
   * decodes every event anyway and they pass through unchanged.
   */
  readonly decodeOnly?: ReadonlySet<string>;
}

export interface StreamMetadata {
  /** Events with a lower revision are no longer read. */
  readonly truncateBefore?: bigint;
  readonly maxCount?: number;
  /** Seconds. */
  readonly maxAge?: number;
  readonly custom?: Readonly<Record<string, unknown>>;
}

export interface StreamMetadataResult {
  readonly metadata: StreamMetadata;
  /** Revision of the metadata stream, for optimistic concurrency on metadata writes. */
  readonly metastreamRevision: bigint;
}

export interface DeleteResult {
  readonly position?: Position;
}

export interface StoreHealth {
  readonly adapter: 'sqlite' | 'eventstoredb';
  readonly healthy: boolean;
  readonly detail?: string;
}

/**
 * The event store as the rest of the code sees it, with EventStoreDB's semantics.
 * Reads and subscriptions of `$all` never yield system events (types starting with `$`).
 */
export interface EventStore {
  /**
   * Atomic. Throws `WrongExpectedVersionError`, `StreamDeletedError`, `InvalidEventError` (its
   * `EventTooLargeError` for one event over the store's limit: retrying won't help), or
   * `StoreUnavailableError` (down, starting, electing a leader: retry). Its
   * `AppendOutcomeUnknownError` means a commit timed out and the events were not found by their
   * ids: they may still land. Retry the same events at an exact revision or `no_stream` (see
   * `EventToAppend.id`). A commit timeout whose events are found by id is a success.
   */
  append(streamName: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult>;

  /**
   * Throws `StreamNotFoundError` for a missing or soft-deleted stream (unless `missing: 'empty'`),
   * `StreamDeletedError` if tombstoned.
   */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;

  setStreamMetadata(
    streamName: string,
    metadata: StreamMetadata,
    expectedMetastreamRevision?: ExpectedRevision,
  ): Promise<AppendResult>;

  /** `null` when the stream never had metadata. */
  getStreamMetadata(streamName: string): Promise<StreamMetadataResult | null>;

  /**
   * Soft delete: reads find nothing; a later append recreates the stream, revisions continuing.
   * As in EventStoreDB, the stream's metadata does not survive a soft delete; until the stream is
   * recreated, `setStreamMetadata` on it throws `StreamNotFoundError` (it could un-hide the events).
   */
  deleteStream(streamName: string, expected?: ExpectedRevision): Promise<DeleteResult>;

  /** Hard delete: the stream can never be read or written again. */
  tombstoneStream(streamName: string, expected?: ExpectedRevision): Promise<DeleteResult>;

  health(): Promise<StoreHealth>;

  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
