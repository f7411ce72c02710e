import { EventMetadata, Position, RecordedEvent, StreamMetadata } from '../port/index.js';

export interface EventRow {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  created: number;
}

/** A row read with `decodeOnly`: data and metadata are null for the types it leaves undecoded. */
export type MaybeUndecodedRow = Omit<EventRow, 'data' | 'metadata'> & { data: string | null; metadata: string | null };

export type StreamLifecycle = 'live' | 'soft_deleted' | 'tombstoned';

export interface StreamRow {
  name: string;
  last_revision: number | null;
  state: StreamLifecycle;
  /** Set by a soft delete: events below it stay hidden after the stream is recreated. */
  deleted_before: number | null;
  metadata: string | null;
  metadata_revision: number | null;
}

export function positionOf(sequence: number): Position {
  const value = BigInt(sequence);
  return { commit: value, prepare: value };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    streamName: row.stream,
    revision: BigInt(row.revision),
    position: positionOf(row.position),
    created: new Date(row.created),
  };
}

const NOT_DECODED: EventMetadata = Object.freeze({});

/** An event read with `decodeOnly` that is not of those types: everything but its data and metadata. */
export function toUndecodedEvent(row: MaybeUndecodedRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: null,
    metadata: NOT_DECODED,
    streamName: row.stream,
    revision: BigInt(row.revision),
    position: positionOf(row.position),
    created: new Date(row.created),
  };
}

interface StoredStreamMetadata {
  truncateBefore?: string;
  maxCount?: number;
  maxAge?: number;
  custom?: Record<string, unknown>;
}

export function serialiseStreamMetadata(metadata: StreamMetadata): string {
  const stored: StoredStreamMetadata = {
    truncateBefore: metadata.truncateBefore?.toString(),
    maxCount: metadata.maxCount,
    maxAge: metadata.maxAge,
    custom: metadata.custom ? { ...metadata.custom } : undefined,
  };
  return JSON.stringify(stored);
}

export function parseStreamMetadata(json: string | null): StreamMetadata {
  if (!json) return {};
  const stored = JSON.parse(json) as StoredStreamMetadata;
  return {
    ...(stored.truncateBefore !== undefined && { truncateBefore: BigInt(stored.truncateBefore) }),
    ...(stored.maxCount !== undefined && { maxCount: stored.maxCount }),
    ...(stored.maxAge !== undefined && { maxAge: stored.maxAge }),
    ...(stored.custom !== undefined && { custom: stored.custom }),
  };
}
