/** One record of the global log, i.e. one event as it appears in `$all`. */
export interface LogRecord {
  /** `$all` position; the server uses it as both commit and prepare position. */
  readonly position: number;
  readonly streamName: string;
  /** Revision in its stream, from 0; {@link TOMBSTONE_REVISION} for a `$streamDeleted` tombstone. */
  readonly revision: number;
  /** Lower-case UUID, as the real (.NET) server renders Guids. */
  readonly id: string;
  readonly type: string;
  /** The server keeps only "is JSON" and answers `application/json` or `application/octet-stream`. */
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly createdEpochMs: number;
}

/** An event as a client proposes it, before it gets a revision and a position. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/**
 * A tombstone sits at event number long.MaxValue in the real server. Infinity keeps it after
 * every real revision in comparisons; the wire mapping renders it as 2^63-1.
 */
export const TOMBSTONE_REVISION = Number.POSITIVE_INFINITY;

export const STREAM_DELETED_EVENT_TYPE = '$streamDeleted';
export const METADATA_EVENT_TYPE = '$metadata';
