import { randomUUID } from 'node:crypto';
import { checkCommit, type StreamFacts } from './commit-check.js';
import type { ExpectedRevision } from './expected-revision.js';
import { RecentCommits } from './recent-commits.js';
import {
  METADATA_EVENT_TYPE,
  STREAM_DELETED_EVENT_TYPE,
  TOMBSTONE_REVISION,
  type LogRecord,
  type ProposedEvent,
} from './log-record.js';
import {
  METASTREAM_METADATA,
  NO_METADATA,
  SOFT_DELETE_METADATA_JSON,
  isMetastream,
  isSoftDeleteMarker,
  metastreamOf,
  originalStreamOf,
  parseStreamMetadata,
  withTruncateBefore,
  type StreamMetadata,
} from './stream-metadata.js';

/**
 * Positions look like the byte offsets of a real transaction file: sparse and never equal to a
 * revision, so code that confuses the two, or assumes `position + 1` is the next event, fails.
 */
const FIRST_POSITION = 1024;
const POSITION_STRIDE = 128;

/** A `$all` position as the real server's TFPos: (commit, prepare), ordered by commit then prepare. */
export interface TfPosition {
  readonly commit: number;
  readonly prepare: number;
}

export function compareTfPositions(a: TfPosition, b: TfPosition): number {
  return a.commit - b.commit || a.prepare - b.prepare;
}

const prePositionOf = (record: LogRecord): TfPosition => ({ commit: record.position, prepare: record.position });
const postPositionOf = (record: LogRecord): TfPosition => {
  const end = record.position + POSITION_STRIDE;
  return { commit: end, prepare: end };
};

export type WriteOutcome =
  /** `lastRevision` is -1 when an empty append left the stream without events. */
  | { readonly kind: 'written'; readonly lastRevision: number; readonly position: number | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: number }
  | { readonly kind: 'stream-deleted' };

export type DeleteOutcome =
  | { readonly kind: 'deleted'; readonly position: number }
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: number }
  | { readonly kind: 'stream-deleted' };

export type StreamView =
  /** The events a read may return, by ascending revision, after `$tb`/`$maxCount`/`$maxAge`. */
  | { readonly kind: 'found'; readonly events: readonly LogRecord[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'tombstoned' };

interface StreamState {
  /** Index = revision. The tombstone record is only in the global log. */
  readonly events: LogRecord[];
  tombstoned: boolean;
}

/**
 * The whole database: one global log (`$all`) plus a per-stream index into it. Every write is
 * synchronous, so a write's records are all in the log before any reader runs again.
 */
export class InMemoryLog {
  readonly #records: LogRecord[] = [];
  readonly #streams = new Map<string, StreamState>();
  readonly #appendWaiters = new Set<() => void>();
  readonly #recentCommits: RecentCommits;

  constructor(
    private readonly now: () => number = Date.now,
    idempotencyWindowBytes?: number,
  ) {
    this.#recentCommits = new RecentCommits(idempotencyWindowBytes);
  }

  /** A restart or a failover: `any`/`stream_exists` retries of earlier writes are no longer recognised. */
  forgetRecentCommits(): void {
    this.#recentCommits.clear();
  }

  get size(): number {
    return this.#records.length;
  }

  recordAt(index: number): LogRecord {
    const record = this.#records[index];
    if (!record) throw new RangeError(`No record at index ${index}`);
    return record;
  }

  /**
   * Index of the first record at or after `from`, as the real forward read chooses it: a record
   * counts from its pre-position, `(pre, pre) >= (commit, prepare)` (AllReader.ReadAllEventsForwardInternal).
   */
  firstIndexAtOrAfter(from: TfPosition): number {
    return this.#firstIndexWhere((record) => compareTfPositions(prePositionOf(record), from) >= 0);
  }

  /** Index of the first record strictly after `from` (`(pre, pre) > from`): subscriptions start exclusively. */
  firstIndexAfter(from: TfPosition): number {
    return this.#firstIndexWhere((record) => compareTfPositions(prePositionOf(record), from) > 0);
  }

  /**
   * Index of the last record a backwards read from `from` returns first: one whose post-position
   * is at or before it, `(post, post) <= (commit, prepare)` (AllReader.ReadAllEventsBackwardInternal).
   * So from `(X, 0)` the record ending at X is skipped; from `(X, X)` it is read. -1 if none.
   */
  lastIndexEndingAtOrBefore(from: TfPosition): number {
    return this.#firstIndexWhere((record) => compareTfPositions(postPositionOf(record), from) > 0) - 1;
  }

  /** Where the record at `index` ends: the start of the next one (records are contiguous). */
  postPositionAt(index: number): number {
    return this.recordAt(index).position + POSITION_STRIDE;
  }

  /** Binary search: `matches` must be false for a prefix of the log and true for the rest. */
  #firstIndexWhere(matches: (record: LogRecord) => boolean): number {
    let low = 0;
    let high = this.#records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (matches(this.recordAt(middle))) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Resolves once the log holds more than `knownSize` records, or when `signal` aborts. */
  waitForRecordsBeyond(knownSize: number, signal: AbortSignal): Promise<void> {
    if (this.size > knownSize || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#appendWaiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#appendWaiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** Last revision ever written, ignoring metadata; a metastream dies with its tombstoned stream. */
  lastRevisionOf(streamName: string): number | 'tombstoned' {
    if (isMetastream(streamName) && this.#streams.get(originalStreamOf(streamName))?.tombstoned) return 'tombstoned';
    const stream = this.#streams.get(streamName);
    if (stream?.tombstoned) return 'tombstoned';
    return (stream?.events.length ?? 0) - 1;
  }

  metadataOf(streamName: string): StreamMetadata {
    if (isMetastream(streamName)) return METASTREAM_METADATA;
    const latest = this.#streams.get(metastreamOf(streamName))?.events.at(-1);
    return latest ? parseStreamMetadata(latest.data, latest.isJson) : NO_METADATA;
  }

  readStream(streamName: string): StreamView {
    const lastRevision = this.lastRevisionOf(streamName);
    if (lastRevision === 'tombstoned') return { kind: 'tombstoned' };
    const metadata = this.metadataOf(streamName);
    if (lastRevision < 0 || isSoftDeleteMarker(metadata)) return { kind: 'not-found' };

    let firstVisible = 0;
    if (metadata.maxCount !== undefined) firstVisible = Math.max(firstVisible, lastRevision - metadata.maxCount + 1);
    if (metadata.truncateBefore !== undefined) firstVisible = Math.max(firstVisible, metadata.truncateBefore);
    const oldestVisibleMs =
      metadata.maxAgeSeconds === undefined ? -Infinity : this.now() - metadata.maxAgeSeconds * 1000;
    const events = this.#stream(streamName)
      .events.slice(firstVisible)
      .filter((event) => event.createdEpochMs >= oldestVisibleMs);
    return { kind: 'found', events };
  }

  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): WriteOutcome {
    const decision = checkCommit(
      this.#factsOf(streamName),
      expected,
      events.map((event) => event.id),
    );
    switch (decision.kind) {
      case 'stream-deleted':
      case 'wrong-expected-version':
        return decision;
      case 'idempotent':
        return {
          kind: 'written',
          lastRevision: decision.lastRevision,
          position: decision.position >= 0 ? decision.position : undefined,
        };
      case 'ok': {
        // Judged before the write, as the real server does: setting metadata on a soft-deleted
        // stream re-creates it.
        const recreatesOriginal = isMetastream(streamName) && this.#isSoftDeleted(originalStreamOf(streamName));
        const written = events.map((event, index) =>
          this.#writeRecord(streamName, decision.currentRevision + 1 + index, event),
        );
        if (decision.softDeleted) this.#recreate(streamName, decision.currentRevision + 1);
        if (recreatesOriginal) {
          const original = originalStreamOf(streamName);
          this.#recreate(original, this.#stream(original).events.length);
        }
        this.#notifyAppended();
        return {
          kind: 'written',
          lastRevision: decision.currentRevision + events.length,
          position: written.at(-1)?.position,
        };
      }
    }
  }

  /** Soft delete = metadata `$tb` = long.MaxValue; events stay in `$all`, reads say "not found". */
  softDelete(streamName: string, expected: ExpectedRevision): DeleteOutcome {
    const refusal = this.#checkDelete(streamName, expected);
    if (refusal) return refusal;
    const facts = this.#factsOf(streamName);
    if (facts.lastRevision === -1 && !facts.hasMetadata) return { kind: 'wrong-expected-version', currentRevision: -1 };
    const record = this.#writeMetadata(streamName, Buffer.from(SOFT_DELETE_METADATA_JSON, 'utf8'));
    this.#notifyAppended();
    return { kind: 'deleted', position: record.position };
  }

  /** Hard delete: a `$streamDeleted` record; the stream name can never be used again. */
  tombstone(streamName: string, expected: ExpectedRevision): DeleteOutcome {
    const refusal = this.#checkDelete(streamName, expected);
    if (refusal) return refusal;
    const record = this.#writeRecord(streamName, TOMBSTONE_REVISION, {
      id: randomUUID(),
      type: STREAM_DELETED_EVENT_TYPE,
      isJson: false,
      data: new Uint8Array(),
      customMetadata: new Uint8Array(),
    });
    this.#stream(streamName).tombstoned = true;
    this.#notifyAppended();
    return { kind: 'deleted', position: record.position };
  }

  /** A delete goes through the same commit check as an append of one brand-new event. */
  #checkDelete(streamName: string, expected: ExpectedRevision): DeleteOutcome | undefined {
    const decision = checkCommit(this.#factsOf(streamName), expected, [randomUUID()]);
    return decision.kind === 'stream-deleted' || decision.kind === 'wrong-expected-version' ? decision : undefined;
  }

  #isSoftDeleted(streamName: string): boolean {
    return isSoftDeleteMarker(this.metadataOf(streamName));
  }

  /** Moves `$tb` to the first revision of the re-created stream, keeping the rest of its metadata. */
  #recreate(streamName: string, firstNewRevision: number): void {
    const latest = this.#streams.get(metastreamOf(streamName))?.events.at(-1);
    if (!latest) return;
    const data = withTruncateBefore(latest.data, latest.isJson, firstNewRevision);
    if (data) this.#writeMetadata(streamName, data);
  }

  #writeMetadata(streamName: string, data: Uint8Array): LogRecord {
    const metastream = metastreamOf(streamName);
    return this.#writeRecord(metastream, this.#stream(metastream).events.length, {
      id: randomUUID(),
      type: METADATA_EVENT_TYPE,
      isJson: true,
      data,
      customMetadata: new Uint8Array(),
    });
  }

  #writeRecord(streamName: string, revision: number, event: ProposedEvent): LogRecord {
    const record: LogRecord = {
      ...event,
      position: FIRST_POSITION + this.#records.length * POSITION_STRIDE,
      streamName,
      revision,
      createdEpochMs: this.now(),
    };
    this.#records.push(record);
    if (revision !== TOMBSTONE_REVISION) {
      const stream = this.#stream(streamName);
      stream.events.push(record);
      this.#recentCommits.remember(record.id, streamName, revision);
    }
    return record;
  }

  #factsOf(streamName: string): StreamFacts {
    const stream = this.#streams.get(streamName);
    return {
      lastRevision: this.lastRevisionOf(streamName),
      softDeleted: this.#isSoftDeleted(streamName),
      hasMetadata: (this.#streams.get(metastreamOf(streamName))?.events.length ?? 0) > 0,
      revisionOfEventId: (eventId) => this.#recentCommits.revisionOf(eventId, streamName),
      eventAt: (revision) => stream?.events[revision],
    };
  }

  #stream(streamName: string): StreamState {
    let stream = this.#streams.get(streamName);
    if (!stream) {
      stream = { events: [], tombstoned: false };
      this.#streams.set(streamName, stream);
    }
    return stream;
  }

  #notifyAppended(): void {
    for (const wake of [...this.#appendWaiters]) wake();
  }
}
