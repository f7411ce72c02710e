import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AllSubscription,
  AppendResult,
  DeleteResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  StreamMetadata,
  StreamMetadataResult,
  SubscribeToAllOptions,
  validateEventsToAppend,
  validateStreamMetadata,
} from '../port/index.js';
import { AppendSignal } from './append-signal.js';
import { appendEvents, lastPosition } from './append-events.js';
import { SqliteAllSubscription } from './all-subscription.js';
import { GroupCommit } from './group-commit.js';
import { LogTail } from './log-tail.js';
import { readAllEvents, readStreamEvents } from './read-events.js';
import { StreamRow, parseStreamMetadata } from './rows.js';
import { prepareDatabase } from './schema.js';
import { toStoreError } from './store-errors.js';
import { softDeleteStream, tombstoneStream, writeStreamMetadata } from './stream-lifecycle.js';
import { prepared } from './prepared.js';

export interface SqliteEventStoreOptions {
  readonly dataDir: string;
  /** Injected for tests of time-based metadata (max-age); defaults to the system clock. */
  readonly now?: () => number;
  /**
   * How often to look for commits by another process besides watching the directory (default
   * 2 s, 200 ms where it cannot be watched). Tests set it long to show that the watch wakes.
   */
  readonly externalCommitPollMs?: number;
}

export const SQLITE_EVENTS_FILE = 'events.sqlite';

/** How long a failed commit keeps the store unhealthy when nothing was committed since. */
const RECENT_COMMIT_FAILURE_MS = 10_000;
/** The health check waits this long for the write lock: a commit of another process takes less. */
const WRITE_PROBE_BUSY_TIMEOUT_MS = 50;

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal: AppendSignal;
  private readonly tail: LogTail;
  private readonly writes: GroupCommit;
  private readonly subscriptions = new Set<AllSubscription>();
  private readonly now: () => number;

  constructor(options: SqliteEventStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.now = options.now ?? Date.now;
    this.db = new Database(join(options.dataDir, SQLITE_EVENTS_FILE));
    prepareDatabase(this.db);
    const head = lastPosition(this.db);
    this.signal = new AppendSignal(head, () => this.headIfChangedElsewhere(), {
      watchDir: options.dataDir,
      walFile: `${SQLITE_EVENTS_FILE}-wal`,
      pollMs: options.externalCommitPollMs,
    });
    this.tail = new LogTail(this.db, head, () => this.signal.knownHead);
    this.writes = new GroupCommit(this.db, () => this.signal.committed(lastPosition(this.db)), toStoreError);
  }

  async append(
    streamName: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    validateEventsToAppend(streamName, events);
    return this.writes.write(() => appendEvents(this.db, streamName, events, expected, this.now()));
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    return this.guardReads(() => readStreamEvents(this.db, streamName, options, this.now));
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.guardReads(() => readAllEvents(this.db, options));
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const subscription = new SqliteAllSubscription(this.db, this.signal, this.tail, options, (closed) =>
      this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  setStreamMetadata(
    streamName: string,
    metadata: StreamMetadata,
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    try {
      validateStreamMetadata(metadata);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.writes.write(() => writeStreamMetadata(this.db, streamName, metadata, expected));
  }

  async getStreamMetadata(streamName: string): Promise<StreamMetadataResult | null> {
    const row = prepared(this.db, 'SELECT * FROM streams WHERE name = ?').get(streamName) as StreamRow | undefined;
    if (!row || row.metadata_revision === null) return null;
    return { metadata: parseStreamMetadata(row.metadata), metastreamRevision: BigInt(row.metadata_revision) };
  }

  deleteStream(streamName: string, expected: ExpectedRevision = 'any'): Promise<DeleteResult> {
    return this.writes.write(() => softDeleteStream(this.db, streamName, expected));
  }

  tombstoneStream(streamName: string, expected: ExpectedRevision = 'any'): Promise<DeleteResult> {
    return this.writes.write(() => tombstoneStream(this.db, streamName, expected));
  }

  /**
   * Healthy only if the log can be read and written: the write lock is taken and given back at
   * once (`BEGIN IMMEDIATE; ROLLBACK`, nothing written), which fails while another connection
   * holds it or the file is read-only; and the last commit, if it failed (a full or failing
   * disk), is not from the last 10 s with no commit since.
   */
  async health(): Promise<StoreHealth> {
    try {
      prepared(this.db, 'SELECT 1').get();
      this.probeWriteLock();
    } catch (error) {
      return { adapter: 'sqlite', healthy: false, detail: (error as Error).message };
    }
    const failure = this.writes.lastFailure;
    if (failure && Date.now() - failure.at < RECENT_COMMIT_FAILURE_MS) {
      return { adapter: 'sqlite', healthy: false, detail: `the last commit failed: ${failure.message}` };
    }
    return { adapter: 'sqlite', healthy: true, detail: this.db.name };
  }

  /** Throws when the write lock cannot be had within a short wait. */
  private probeWriteLock(): void {
    // Inside one of our own transactions we hold the lock already.
    if (this.db.inTransaction) return;
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma(`busy_timeout = ${WRITE_PROBE_BUSY_TIMEOUT_MS}`);
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
    } catch (error) {
      throw new Error(`cannot write: ${(error as Error).message}`, { cause: error });
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  async close(): Promise<void> {
    await this.writes.drained();
    this.signal.stop();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.db.open) this.db.close();
  }

  private lastDataVersion = 0;

  /** `data_version` changes only when another connection commits: then the head may have moved. */
  private headIfChangedElsewhere(): number | undefined {
    if (!this.db.open) return undefined;
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version === this.lastDataVersion) return undefined;
    this.lastDataVersion = version;
    return lastPosition(this.db);
  }

  /** SQLite failures surface while iterating; callers see the port's errors, not the driver's. */
  private guardReads(read: () => AsyncGenerator<RecordedEvent>): AsyncIterable<RecordedEvent> {
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* read();
        } catch (error) {
          throw toStoreError(error);
        }
      },
    };
  }
}
