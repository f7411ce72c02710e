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
  });
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}
