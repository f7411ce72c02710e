import { createHash } from 'node:crypto';
import type { MediaStore } from './media-store.port.js';

/**
 * What every MediaStore adapter must do, as jest cases: run it from each adapter's spec with a
 * fresh, empty store per case (an object store adapter runs the same cases).
 */
export function describeMediaStoreContract(name: string, openStore: () => Promise<MediaStore>): void {
  describe(`MediaStore contract: ${name}`, () => {
    const bytes = Buffer.from('a picture of a broken parcel');
    const options = { maxBytes: 1_000, expectedSha256: createHash('sha256').update(bytes).digest('hex') };
    let store: MediaStore;
    beforeEach(async () => {
      store = await openStore();
    });

    it('opens what was put, with its size', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      const opened = await store.open('conv-1/message-1');
      expect(opened?.sizeBytes).toBe(bytes.length);
      expect(await readAll(opened!.stream)).toEqual(bytes);
    });

    it('deletes the bytes under a key: open answers null, other keys are kept', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      await store.put('conv-1/message-2', once(bytes), options);
      await store.delete('conv-1/message-1');
      expect(await store.open('conv-1/message-1')).toBeNull();
      expect((await store.open('conv-1/message-2'))?.sizeBytes).toBe(bytes.length);
    });

    it('deletes idempotently: again, or a key never written, succeeds and changes nothing', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      await store.delete('conv-1/message-1');
      await expect(store.delete('conv-1/message-1')).resolves.toBeUndefined();
      await expect(store.delete('never/written')).resolves.toBeUndefined();
      expect(await store.open('conv-1/message-1')).toBeNull();
    });

    it('keeps bytes put again after a deletion', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      await store.delete('conv-1/message-1');
      await store.put('conv-1/message-1', once(bytes), options);
      expect((await store.open('conv-1/message-1'))?.sizeBytes).toBe(bytes.length);
    });

    it.each(['../escape', 'a/../../b', '/abs', ''])('refuses to delete the key %j', async (key) => {
      await expect(store.delete(key)).rejects.toThrow(/Not a media key/);
    });

    it('lists the keys under a prefix, at any depth, and nothing else', async () => {
      for (const key of ['uploads/p1/a', 'uploads/p1/a-meta', 'uploads/p2/b', 'uploadsx/c', 'conv-1/message-1'])
        await store.put(key, once(bytes), options);
      expect((await listAll(store, 'uploads')).sort()).toEqual(['uploads/p1/a', 'uploads/p1/a-meta', 'uploads/p2/b']);
      expect(await listAll(store, 'uploads/p2')).toEqual(['uploads/p2/b']);
    });

    it('lists nothing under a prefix that holds nothing, or that is a key itself', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      expect(await listAll(store, 'never')).toEqual([]);
      expect(await listAll(store, 'conv-1/message-1')).toEqual([]);
    });

    it('does not list a deleted key', async () => {
      await store.put('uploads/p1/a', once(bytes), options);
      await store.put('uploads/p1/b', once(bytes), options);
      await store.delete('uploads/p1/a');
      expect(await listAll(store, 'uploads')).toEqual(['uploads/p1/b']);
    });

    it('never removes a kept key, nor a write still receiving bytes, as an abandoned write', async () => {
      await store.put('conv-1/message-1', once(bytes), options);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncIterable<Uint8Array> {
        yield bytes.subarray(0, 5);
        await released;
        yield bytes.subarray(5);
      }
      const writing = store.put('conv-1/message-2', slow(), options);
      // Idle for a minute: the write above got its first chunk moments ago.
      await store.removeAbandonedWrites(new Date(Date.now() - 60_000));
      release();
      await expect(writing).resolves.toEqual({ sha256: options.expectedSha256, sizeBytes: bytes.length });
      // Everything idle since a time to come: still no kept key goes.
      await store.removeAbandonedWrites(new Date(Date.now() + 60_000));
      expect((await store.open('conv-1/message-1'))?.sizeBytes).toBe(bytes.length);
      expect((await store.open('conv-1/message-2'))?.sizeBytes).toBe(bytes.length);
    });

    it.each(['../escape', 'a/../../b', '/abs', ''])('refuses to list under %j', async (prefix) => {
      await expect(listAll(store, prefix)).rejects.toThrow(/Not a media key/);
    });
  });
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function listAll(store: MediaStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}
