import type { Database } from 'better-sqlite3';
import {
  AllFilter,
  AllSubscription,
  CheckpointBeyondLogEndError,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../port/index.js';
import { lastPosition } from './append-events.js';
import { AppendSignal } from './append-signal.js';
import { LogTail } from './log-tail.js';
import { positionOf } from './rows.js';

const PAGE_SIZE = 256;
const DEFAULT_CHECKPOINT_EVERY = 32;

/**
 * Reads the log by position, before and after catching up alike, so the switch to live can
 * neither skip nor repeat an event; commits only wake it up. Live, it reads through the store's
 * shared tail, so one commit is queried and parsed once however many subscriptions follow it.
 */
export class SqliteAllSubscription implements AllSubscription {
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly signal: AppendSignal,
    private readonly tail: LogTail,
    private readonly options: SubscribeToAllOptions,
    private readonly onClose: (subscription: SqliteAllSubscription) => void,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.signal.wakeAll();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    try {
      yield* this.messages();
    } finally {
      this.closed = true;
      this.onClose(this);
    }
  }

  private async *messages(): AsyncGenerator<SubscriptionMessage> {
    const from = this.options.fromPosition ?? 'start';
    let cursor = from === 'start' ? 0 : from === 'end' ? lastPosition(this.db) : Number(from.commit);
    // A checkpoint from another log (a restored older copy of the data directory) would skip events.
    if (typeof from === 'object' && cursor > lastPosition(this.db)) {
      const end = lastPosition(this.db);
      throw new CheckpointBeyondLogEndError(from, end > 0 ? positionOf(end) : null);
    }
    const filter = this.options.filter;
    const matches = filter ? compileFilter(filter) : () => true;
    const checkpointEvery = filter?.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    let scannedSinceCheckpoint = 0;
    let caughtUp = false;
    while (!this.closed) {
      const events = this.tail.after(cursor, PAGE_SIZE);
      for (const event of events) {
        cursor = Number(event.position.commit);
        if (matches(event)) yield { kind: 'event', event };
        else if (filter && ++scannedSinceCheckpoint >= checkpointEvery) {
          scannedSinceCheckpoint = 0;
          yield { kind: 'checkpoint', position: positionOf(cursor) };
        }
        if (this.closed) return;
      }
      if (events.length === PAGE_SIZE) continue;
      if (!caughtUp) {
        caughtUp = true;
        yield { kind: 'caughtUp' };
      }
      await this.signal.waitBeyond(cursor, () => this.closed);
    }
  }
}

function compileFilter(filter: AllFilter): (event: RecordedEvent) => boolean {
  const field = (event: RecordedEvent) => (filter.on === 'eventType' ? event.type : event.streamName);
  if ('regex' in filter) {
    const pattern = new RegExp(filter.regex);
    return (event) => pattern.test(field(event));
  }
  const prefixes = filter.prefixes;
  return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
}
