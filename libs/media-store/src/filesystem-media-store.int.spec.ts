import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemMediaStore, MediaChecksumMismatchError, MediaTooLargeError } from './index.js';
import { describeMediaStoreContract } from './media-store.contract.js';

async function* chunks(...parts: Buffer[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));
describeMediaStoreContract('FilesystemMediaStore', async () => {
  const root = await mkdtemp(join(tmpdir(), 'media-store-contract-'));
  roots.push(root);
  return new FilesystemMediaStore(root);
});

describe('FilesystemMediaStore', () => {
  let root: string;
  let store: FilesystemMediaStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'media-store-'));
    store = new FilesystemMediaStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps the bytes under their key, with their checksum and size', async () => {
    const bytes = Buffer.from('a picture');
    const kept = await store.put('ab/cd', chunks(bytes.subarray(0, 3), bytes.subarray(3)), {
      maxBytes: 100,
      expectedSha256: sha(bytes),
    });
    expect(kept).toEqual({ sha256: sha(bytes), sizeBytes: bytes.length });
    const opened = await store.open('ab/cd');
    expect(opened?.sizeBytes).toBe(bytes.length);
    expect(await readAll(opened!.stream)).toEqual(bytes);
  });

  it('keeps nothing when the checksum differs from the expected one', async () => {
    const put = store.put('ab/cd', chunks(Buffer.from('x')), { maxBytes: 100, expectedSha256: 'f'.repeat(64) });
    await expect(put).rejects.toBeInstanceOf(MediaChecksumMismatchError);
    expect(await store.open('ab/cd')).toBeNull();
    expect(await readdir(join(root, 'ab'))).toEqual([]);
  });

  it('stops reading past the bound and keeps nothing', async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024);
      }
    }
    await expect(store.put('ab/big', endless(), { maxBytes: 4096 })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(pulled).toBe(5);
    expect(await readdir(join(root, 'ab'))).toEqual([]);
  });

  it.each(['../escape', 'a/../../b', '/abs', 'a\\b', '', 'a/./b', 'a//b'])('refuses the key %j', async (key) => {
    await expect(store.open(key)).rejects.toThrow(/Not a media key/);
    await expect(store.put(key, chunks(Buffer.from('x')), { maxBytes: 10 })).rejects.toThrow(/Not a media key/);
  });

  it('deletes the file itself from the directory, not only from what open answers', async () => {
    await store.put('ab/cd', chunks(Buffer.from('x')), { maxBytes: 10 });
    await store.delete('ab/cd');
    expect(await readdir(join(root, 'ab'))).toEqual([]);
  });

  it('lists neither a file being written (or left by a crash) nor a link out of the directory', async () => {
    await store.put('uploads/p1/a', chunks(Buffer.from('x')), { maxBytes: 10 });
    await writeFile(join(root, 'uploads', 'p1', 'b.6f1c.partial'), 'half');
    const outside = await mkdtemp(join(tmpdir(), 'media-outside-'));
    await writeFile(join(outside, 'secret'), 'not media');
    await symlink(outside, join(root, 'uploads', 'linked-dir'));
    await symlink(join(outside, 'secret'), join(root, 'uploads', 'p1', 'linked-file'));
    await mkdir(join(root, 'uploads', 'p1', 'd1', 'd2', 'd3', 'd4'), { recursive: true });
    await writeFile(join(root, 'uploads', 'p1', 'd1', 'd2', 'd3', 'd4', 'too-deep'), 'x');
    const listed: string[] = [];
    for await (const key of store.list('uploads')) listed.push(key);
    expect(listed).toEqual(['uploads/p1/a']);
    await rm(outside, { recursive: true, force: true });
  });

  it('writes a file under way apart from the keys, and removes it once a killed process left it', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncIterable<Uint8Array> {
      yield Buffer.from('half of ');
      await released;
      yield Buffer.from('a file');
    }
    await mkdir(join(root, 'uploads', 'p1'), { recursive: true });
    const writing = store.put('uploads/p1/a', slow(), { maxBytes: 100 });
    // What a process killed mid-write two hours ago left: a file nothing writes to any more.
    await mkdir(join(root, '.partial'), { recursive: true });
    const abandoned = join(root, '.partial', '0b7c6a1e-dead-4a4a-9f9f-2f1c0c0a0b0c.partial');
    await writeFile(abandoned, 'twelve bytes');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(abandoned, twoHoursAgo, twoHoursAgo);
    await waitFor(async () => (await readdir(join(root, '.partial'))).length === 2);
    expect(await readdir(join(root, 'uploads', 'p1'))).toEqual([]);

    expect(await store.removeAbandonedWrites(new Date(Date.now() - 3_600_000))).toEqual({ files: 1, bytes: 12 });
    expect(await readdir(join(root, '.partial'))).toHaveLength(1);
    release();
    expect((await writing).sizeBytes).toBe('half of a file'.length);
    expect(await readdir(join(root, '.partial'))).toEqual([]);
    expect(await readdir(join(root, 'uploads', 'p1'))).toEqual(['a']);
    expect(await store.removeAbandonedWrites(new Date(Date.now() + 60_000))).toEqual({ files: 0, bytes: 0 });
  });

  it('finds no abandoned write where nothing was ever written', async () => {
    expect(await store.removeAbandonedWrites(new Date(Date.now() + 60_000))).toEqual({ files: 0, bytes: 0 });
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
