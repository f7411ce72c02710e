import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
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
 * Media as files under one directory (DATA_DIR/media by default). A file is written under a temporary
 * name, fsynced, checked (size bound, checksum), then renamed into place and its directory fsynced, so
 * a crash leaves either the whole file or none under its key.
 */
export class FilesystemMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  async put(key: string, bytes: AsyncIterable<Uint8Array>, options: PutMediaOptions): Promise<StoredMediaFile> {
    assertMediaKey(key);
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.partial`;
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
