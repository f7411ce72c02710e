import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../port/index.js';
import { prepared } from './prepared.js';
import { EventRow, toRecordedEvent } from './rows.js';

const PAGE_SQL = 'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?';
/** How many of the newest events stay parsed for live subscribers. */
const WINDOW = 4_096;

/**
 * The newest events of the log, read and parsed once for every live subscriber: after a commit,
 * the first subscriber to ask reads the new rows and the others take them from here, instead of
 * each querying the log again. A subscriber further behind than the window reads the log itself.
 * Events handed out are shared between subscribers: they must treat them as read-only.
 */
export class LogTail {
  private window: RecordedEvent[] = [];
  /** Every event with a position in (start, end] is in the window. */
  private start: number;
  private end: number;

  constructor(
    private readonly db: Database,
    head: number,
    /** The head of the log as far as commits have told: past it there is nothing to read yet. */
    private readonly knownHead: () => number,
  ) {
    this.start = head;
    this.end = head;
  }

  /**
   * Up to `limit` events after `cursor`, in log order; fewer only when the log holds no more
   * (or more was committed by another connection and not noticed yet: the signal wakes for it).
   */
  after(cursor: number, limit: number): RecordedEvent[] {
    if (cursor < this.start) return this.readLog(cursor, limit);
    const events = this.fromWindow(cursor, limit);
    if (events.length === limit || (events.length > 0 && this.knownHead() <= this.end)) return events;
    this.catchUp();
    // Catching up may have forgotten events this cursor has not seen yet.
    return cursor < this.start ? this.readLog(cursor, limit) : this.fromWindow(cursor, limit);
  }

  private fromWindow(cursor: number, limit: number): RecordedEvent[] {
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (Number(this.window[middle].position.commit) <= cursor) low = middle + 1;
      else high = middle;
    }
    return this.window.slice(low, low + limit);
  }

  /** Reads what was committed since the window's end (a window's worth at most), then forgets the oldest beyond its size. */
  private catchUp(): void {
    const fresh = this.readLog(this.end, WINDOW);
    if (fresh.length === 0) return;
    this.window.push(...fresh);
    this.end = Number(fresh[fresh.length - 1].position.commit);
    const excess = this.window.length - WINDOW;
    if (excess > 0) {
      this.start = Number(this.window[excess - 1].position.commit);
      this.window = this.window.slice(excess);
    }
  }

  private readLog(cursor: number, limit: number): RecordedEvent[] {
    return (prepared(this.db, PAGE_SQL).all(cursor, limit) as EventRow[]).map(toRecordedEvent);
  }
}
