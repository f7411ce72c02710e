import type { Readable } from 'node:stream';

/** What was kept: the SHA-256 (hex) and the size of the bytes, as written. */
export interface StoredMediaFile {
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface PutMediaOptions {
  /** Reading stops, and nothing is kept, past this many bytes. */
  readonly maxBytes: number;
  /** Hex SHA-256 the bytes must have (Meta's); nothing is kept on a mismatch. */
  readonly expectedSha256?: string;
}

/**
 * Where downloaded media bytes are kept, by key (`[A-Za-z0-9_-]` segments joined by `/`). `put` streams
 * (never the whole file in memory) and keeps the file only once it is complete, within its bound and of
 * the expected checksum; a reader never sees a partial file. An object store is another adapter.
 */
export interface MediaStore {
  put(key: string, bytes: AsyncIterable<Uint8Array>, options: PutMediaOptions): Promise<StoredMediaFile>;
  /** The bytes kept under `key`, or null when there are none. */
  open(key: string): Promise<{ readonly stream: Readable; readonly sizeBytes: number } | null>;
  /**
   * Removes the bytes kept under `key` for good: `open` answers null once it resolves. Idempotent:
   * deleting a key that holds nothing (never written, or deleted already) succeeds and does nothing.
   */
  delete(key: string): Promise<void>;
  /**
   * The keys kept under `prefix` (a key's leading segments, e.g. `uploads/ab12`), one at a time and
   * in no particular order, so that a sweep never holds them all. A file still being written is
   * not listed; a key deleted while the listing runs may or may not be.
   */
  list(prefix: string): AsyncIterable<string>;
  /**
   * Removes what writes left unfinished, when nothing was written to them since `idleSince` (a
   * process killed mid-`put`): never a kept key, never a write still receiving bytes.
   */
  removeAbandonedWrites(idleSince: Date): Promise<AbandonedWrites>;
}

/** What removeAbandonedWrites removed. */
export interface AbandonedWrites {
  readonly files: number;
  readonly bytes: number;
}

export const MEDIA_STORE = Symbol('MEDIA_STORE');

export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The media is larger than ${maxBytes} bytes; reading stopped there and nothing was kept`);
    this.name = 'MediaTooLargeError';
  }
}

export class MediaChecksumMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The media's SHA-256 is ${actual}, not ${expected} as Meta said; nothing was kept`);
    this.name = 'MediaChecksumMismatchError';
  }
}

/** A key has 1 to this many segments. */
export const MAX_KEY_SEGMENTS = 5;
const KEY = new RegExp(`^[A-Za-z0-9_-]{1,128}(/[A-Za-z0-9_-]{1,128}){0,${MAX_KEY_SEGMENTS - 1}}$`);

export function isMediaKey(key: string): boolean {
  return KEY.test(key);
}

/** Keys are names the help desk makes, never a path from outside: anything else is refused. */
export function assertMediaKey(key: string): void {
  if (!isMediaKey(key)) throw new Error(`Not a media key: ${JSON.stringify(key.slice(0, 80))}`);
}
