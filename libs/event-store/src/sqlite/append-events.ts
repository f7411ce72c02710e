import type { Database } from 'better-sqlite3';
import { AppendResult, EventToAppend, ExpectedRevision, InvalidEventError } from '../port/index.js';
import { actualRevisionOf, assertExpectedRevision, assertWritable } from './expectations.js';
import { StreamRow, positionOf } from './rows.js';
import { prepared } from './prepared.js';

interface StoredIdAtRevision {
  id: string;
  revision: number;
  position: number;
}

/** Runs inside the group-commit transaction. */
export function appendEvents(
  db: Database,
  streamName: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  now: number,
): AppendResult {
  const stream = prepared(db, 'SELECT * FROM streams WHERE name = ?').get(streamName) as StreamRow | undefined;
  assertWritable(streamName, stream);
  const actual = actualRevisionOf(stream);
  const replay = findIdempotentReplay(db, streamName, events, expected, stream);
  if (replay) return replay;
  assertExpectedRevision(streamName, expected, actual);
  const previous = stream?.last_revision ?? -1;
  if (events.length === 0) {
    return { nextExpectedRevision: BigInt(previous), position: positionOf(lastPosition(db)) };
  }
  const insert = prepared(
    db,
    'INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  let position = 0;
  events.forEach((event, index) => {
    const info = insert.run(
      streamName,
      previous + 1 + index,
      event.id.toLowerCase(),
      event.type,
      toJson(event.id, event.data),
      toJson(event.id, event.metadata ?? {}),
      now,
    );
    position = Number(info.lastInsertRowid);
  });
  const last = previous + events.length;
  prepared(
    db,
    `INSERT INTO streams (name, last_revision, state) VALUES (?, ?, 'live')
     ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision, state = 'live'`,
  ).run(streamName, last);
  return { nextExpectedRevision: BigInt(last), position: positionOf(position) };
}

/**
 * EventStoreDB's idempotency: the same event ids written again where they already stand
 * (after the expected revision, or as the stream's tail for 'any') succeed without writing.
 * The tail case is kinder than EventStoreDB, which recognises an 'any' retry only within its
 * window of recent commits; the port promises only the exact and `no_stream` cases.
 */
function findIdempotentReplay(
  db: Database,
  streamName: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  stream: StreamRow | undefined,
): AppendResult | undefined {
  if (events.length === 0 || !stream || stream.last_revision === null) return undefined;
  let firstRevision: number;
  if (expected === 'no_stream') firstRevision = stream.deleted_before ?? 0;
  else if (typeof expected === 'bigint') firstRevision = Number(expected) + 1;
  else firstRevision = stream.last_revision - events.length + 1;
  if (firstRevision < 0 || firstRevision + events.length - 1 > stream.last_revision) return undefined;
  const stored = prepared(
    db,
    'SELECT id, revision, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
  ).all(streamName, firstRevision, events.length) as StoredIdAtRevision[];
  const same =
    stored.length === events.length && stored.every((row, index) => row.id === events[index].id.toLowerCase());
  if (!same) return undefined;
  const last = stored[stored.length - 1];
  return { nextExpectedRevision: BigInt(last.revision), position: positionOf(last.position) };
}

export function lastPosition(db: Database): number {
  const row = prepared(db, 'SELECT MAX(position) AS position FROM events').get() as { position: number | null };
  return row.position ?? 0;
}

function toJson(eventId: string, value: unknown): string {
  try {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error('not serialisable');
    return json;
  } catch (error) {
    throw new InvalidEventError(`Event ${eventId} cannot be stored as JSON: ${(error as Error).message}`);
  }
}
