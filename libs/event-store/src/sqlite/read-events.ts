import type { Database } from 'better-sqlite3';
import {
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamDeletedError,
  StreamNotFoundError,
} from '../port/index.js';
import {
  EventRow,
  MaybeUndecodedRow,
  StreamRow,
  parseStreamMetadata,
  toRecordedEvent,
  toUndecodedEvent,
} from './rows.js';
import { prepared } from './prepared.js';

const PAGE_SIZE = 512;

/** The lowest revision still readable: soft deletes, truncate-before, max-count and max-age all hide events. */
function visibleFrom(stream: StreamRow, now: number): { revision: number; createdAfter: number } {
  const metadata = parseStreamMetadata(stream.metadata);
  const last = stream.last_revision ?? -1;
  const floors = [
    stream.deleted_before ?? 0,
    metadata.truncateBefore !== undefined ? Number(metadata.truncateBefore) : 0,
    metadata.maxCount !== undefined ? last - metadata.maxCount + 1 : 0,
  ];
  const createdAfter = metadata.maxAge !== undefined ? now - metadata.maxAge * 1000 : -Infinity;
  return { revision: Math.max(...floors), createdAfter };
}

export async function* readStreamEvents(
  db: Database,
  streamName: string,
  options: ReadStreamOptions,
  now: () => number,
): AsyncGenerator<RecordedEvent> {
  const stream = prepared(db, 'SELECT * FROM streams WHERE name = ?').get(streamName) as StreamRow | undefined;
  if (stream?.state === 'tombstoned') throw new StreamDeletedError(streamName);
  if (!stream || stream.last_revision === null || stream.state === 'soft_deleted') {
    if (options.missing === 'empty') return;
    throw new StreamNotFoundError(streamName);
  }
  const forwards = (options.direction ?? 'forwards') === 'forwards';
  const floor = visibleFrom(stream, now());
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
  const from = options.fromRevision ?? (forwards ? 'start' : 'end');
  let cursor = from === 'start' ? -1 : from === 'end' ? stream.last_revision + 1 : Number(from) + (forwards ? -1 : 1);
  const page = prepared(
    db,
    forwards
      ? 'SELECT * FROM events WHERE stream = ? AND revision > ? AND revision >= ? ORDER BY revision ASC LIMIT ?'
      : 'SELECT * FROM events WHERE stream = ? AND revision < ? AND revision >= ? ORDER BY revision DESC LIMIT ?',
  );
  while (remaining > 0) {
    const rows = page.all(streamName, cursor, floor.revision, Math.min(PAGE_SIZE, remaining)) as EventRow[];
    for (const row of rows) {
      cursor = row.revision;
      if (row.created < floor.createdAfter) continue;
      remaining--;
      yield toRecordedEvent(row);
    }
    if (rows.length < PAGE_SIZE) return;
  }
}

export async function* readAllEvents(db: Database, options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
  const forwards = (options.direction ?? 'forwards') === 'forwards';
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
  const from = options.fromPosition ?? (forwards ? 'start' : 'end');
  let cursor = startCursor(from, forwards);
  const order = forwards ? 'position > ? ORDER BY position ASC' : 'position < ? ORDER BY position DESC';
  const decodeOnly = options.decodeOnly;
  // Undecoded rows leave SQLite without their data and metadata (no string built, nothing parsed).
  const page = decodeOnly
    ? prepared(
        db,
        `SELECT position, stream, revision, id, type, created,
           CASE WHEN type IN (SELECT value FROM json_each(?)) THEN data END AS data,
           CASE WHEN type IN (SELECT value FROM json_each(?)) THEN metadata END AS metadata
         FROM events WHERE ${order} LIMIT ?`,
      )
    : prepared(db, `SELECT * FROM events WHERE ${order} LIMIT ?`);
  const types = decodeOnly ? JSON.stringify([...decodeOnly]) : '';
  while (remaining > 0) {
    const limit = Math.min(PAGE_SIZE, remaining);
    const rows = (decodeOnly ? page.all(types, types, cursor, limit) : page.all(cursor, limit)) as MaybeUndecodedRow[];
    for (const row of rows) {
      cursor = row.position;
      remaining--;
      yield row.data === null || row.metadata === null ? toUndecodedEvent(row) : toRecordedEvent(row as EventRow);
    }
    if (rows.length < PAGE_SIZE) return;
  }
}

/** Reads are inclusive of the given position, so the exclusive SQL cursor sits one step before it. */
function startCursor(from: Position | 'start' | 'end', forwards: boolean): number {
  if (from === 'start') return 0;
  if (from === 'end') return Number.MAX_SAFE_INTEGER;
  return Number(from.commit) + (forwards ? -1 : 1);
}
