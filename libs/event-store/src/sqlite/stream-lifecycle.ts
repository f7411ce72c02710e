import type { Database } from 'better-sqlite3';
import {
  AppendResult,
  DeleteResult,
  ExpectedRevision,
  StreamDeletedError,
  StreamMetadata,
  StreamNotFoundError,
} from '../port/index.js';
import { lastPosition } from './append-events.js';
import { actualRevisionOf, assertExpectedRevision, assertWritable } from './expectations.js';
import { StreamRow, positionOf, serialiseStreamMetadata } from './rows.js';
import { prepared } from './prepared.js';

function findStream(db: Database, streamName: string): StreamRow | undefined {
  return prepared(db, 'SELECT * FROM streams WHERE name = ?').get(streamName) as StreamRow | undefined;
}

/** Soft delete hides every event written so far; a later append recreates the stream above them. */
export function softDeleteStream(db: Database, streamName: string, expected: ExpectedRevision): DeleteResult {
  const stream = findStream(db, streamName);
  assertWritable(streamName, stream);
  assertExpectedRevision(streamName, expected, actualRevisionOf(stream));
  if (!stream || stream.last_revision === null) return {};
  // As EventStoreDB does, a soft delete rewrites the stream's metadata: earlier custom keys are gone.
  prepared(
    db,
    `UPDATE streams SET state = 'soft_deleted', deleted_before = ?, metadata = '{}',
       metadata_revision = COALESCE(metadata_revision + 1, 0)
     WHERE name = ?`,
  ).run(stream.last_revision + 1, streamName);
  return { position: positionOf(lastPosition(db)) };
}

export function tombstoneStream(db: Database, streamName: string, expected: ExpectedRevision): DeleteResult {
  const stream = findStream(db, streamName);
  assertWritable(streamName, stream);
  assertExpectedRevision(streamName, expected, actualRevisionOf(stream));
  prepared(
    db,
    `INSERT INTO streams (name, last_revision, state) VALUES (?, NULL, 'tombstoned')
     ON CONFLICT (name) DO UPDATE SET state = 'tombstoned'`,
  ).run(streamName);
  return { position: positionOf(lastPosition(db)) };
}

export function writeStreamMetadata(
  db: Database,
  streamName: string,
  metadata: StreamMetadata,
  expected: ExpectedRevision,
): AppendResult {
  const stream = findStream(db, streamName);
  if (stream?.state === 'tombstoned') throw new StreamDeletedError(streamName);
  // Metadata could otherwise un-hide what a soft delete hid (on EventStoreDB it would); recreate first.
  if (stream?.state === 'soft_deleted') throw new StreamNotFoundError(streamName);
  const actual = stream?.metadata_revision == null ? 'no_stream' : BigInt(stream.metadata_revision);
  assertExpectedRevision(`$$${streamName}`, expected, actual);
  const next = actual === 'no_stream' ? 0 : Number(actual) + 1;
  prepared(
    db,
    `INSERT INTO streams (name, last_revision, state, metadata, metadata_revision) VALUES (?, NULL, 'live', ?, ?)
     ON CONFLICT (name) DO UPDATE SET metadata = excluded.metadata, metadata_revision = excluded.metadata_revision`,
  ).run(streamName, serialiseStreamMetadata(metadata), next);
  return { nextExpectedRevision: BigInt(next), position: positionOf(lastPosition(db)) };
}
