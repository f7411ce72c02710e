import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type AbandonedWrites,
  type MediaStore,
  MediaChecksumMismatchError,
  MediaTooLargeError,
  type PutMediaOptions,
  type StoredMediaFile,
  assertMediaKey,
  isMediaKey,
  MAX_KEY_SEGMENTS,
} from './media-store.port.js';

/**
 * Where files being written are kept until they are complete: one directory, so that what a crash
 * leaves is found without walking the media. No key can name it (a key's segments have no dot).
 */
const WRITING_DIRECTORY = '.partial';

/**
 * Media as files under one directory (DATA_DIR/media by default). A file is written under a temporary
 * name (in WRITING_DIRECTORY), fsynced, checked (size bound, checksum), then renamed into place and
 * its directory fsynced, so a crash leaves either the whole file or none under its key.
 */
export class FilesystemMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  async put(key: string, bytes: AsyncIterable<Uint8Array>, options: PutMediaOptions): Promise<StoredMediaFile> {
    assertMediaKey(key);
    const target = this.pathOf(key);
    const writing = join(this.root, WRITING_DIRECTORY);
    await mkdir(dirname(target), { recursive: true });
    await mkdir(writing, { recursive: true });
    const temporary = join(writing, `${randomUUID()}.partial`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      const hash = createHash('sha256');
      let sizeBytes = 0;
      for await (const chunk of bytes) {
        sizeBytes += chunk.byteLength;
        if (sizeBytes > options.maxBytes) throw new MediaTooLargeError(options.maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      const sha256 = hash.digest('hex');
      if (options.expectedSha256 !== undefined && options.expectedSha256.toLowerCase() !== sha256) {
        throw new MediaChecksumMismatchError(options.expectedSha256, sha256);
      }
      await file.sync();
      await file.close();
      await rename(temporary, target);
      await syncDirectory(dirname(target));
      return { sha256, sizeBytes };
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async open(key: string): Promise<{ stream: ReturnType<typeof createReadStream>; sizeBytes: number } | null> {
    assertMediaKey(key);
    const path = this.pathOf(key);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path), sizeBytes: size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** The directory is fsynced too, so a deletion that resolved survives a crash. */
  async delete(key: string): Promise<void> {
    assertMediaKey(key);
    const path = this.pathOf(key);
    await rm(path, { force: true });
    try {
      await syncDirectory(dirname(path));
    } catch (error) {
      // No directory: nothing was ever kept there.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Walks the prefix's directories as it goes: a directory's entries are read one at a time. */
  async *list(prefix: string): AsyncIterable<string> {
    assertMediaKey(prefix);
    yield* this.keysUnder(prefix);
  }

  private async *keysUnder(prefix: string): AsyncIterable<string> {
    let directory;
    try {
      directory = await opendir(this.pathOf(prefix));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Nothing kept under the prefix, or the prefix is itself a file's key.
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    for await (const entry of directory) {
      const key = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        // No key is deeper than MAX_KEY_SEGMENTS: nothing to find further down.
        if (key.split('/').length < MAX_KEY_SEGMENTS) yield* this.keysUnder(key);
      }
      // A `.partial` file (being written, or left by a crash) is not a key.
      else if (entry.isFile() && isMediaKey(key)) yield key;
    }
  }

  /**
   * Removes the files of writes nothing wrote to since `idleSince` (by their modification time): a
   * process killed mid-write leaves its file behind. A write still going on touches its file with
   * every chunk, so it is not removed unless it stalled that long.
   */
  async removeAbandonedWrites(idleSince: Date): Promise<AbandonedWrites> {
    const removed = { files: 0, bytes: 0 };
    let directory;
    try {
      directory = await opendir(join(this.root, WRITING_DIRECTORY));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return removed;
      throw error;
    }
    for await (const entry of directory) {
      if (!entry.isFile() || !entry.name.endsWith('.partial')) continue;
      const path = join(directory.path, entry.name);
      const found = await stat(path).catch(() => null);
      if (!found || found.mtimeMs >= idleSince.getTime()) continue;
      await rm(path, { force: true });
      removed.files++;
      removed.bytes += found.size;
    }
    return removed;
  }

  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
