import {
  ExpectedRevision,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@helpdesk/event-store';
import { describeContract, events, failure, ids, range, readStream, revisions, uniqueStream } from './support.js';

describeContract('deleting streams', (ctx) => {
  async function streamWith(count: number): Promise<string> {
    const stream = uniqueStream();
    await ctx.store.append(stream, events(count), 'no_stream');
    return stream;
  }

  async function expectError(
    action: () => unknown,
    type: new (...args: never[]) => Error,
    stream: string,
  ): Promise<void> {
    const error = await failure(action);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ streamName: stream });
  }

  describe('soft delete', () => {
    it('makes reads throw StreamNotFoundError', async () => {
      const stream = await streamWith(3);
      await ctx.store.deleteStream(stream);
      await expectError(() => readStream(ctx.store, stream), StreamNotFoundError, stream);
      await expectError(() => readStream(ctx.store, stream, { direction: 'backwards' }), StreamNotFoundError, stream);
    });

    it("an append recreates the stream with revisions continuing; the old events stay hidden ('any')", async () => {
      const stream = await streamWith(3);
      await ctx.store.deleteStream(stream);
      const fresh = events(2, 'Recreated');
      const result = await ctx.store.append(stream, fresh, 'any');
      expect(result.nextExpectedRevision).toBe(4n);
      const read = await readStream(ctx.store, stream);
      expect(ids(read)).toEqual(ids(fresh));
      expect(revisions(read)).toEqual([3n, 4n]);
      expect(revisions(await readStream(ctx.store, stream, { direction: 'backwards' }))).toEqual([4n, 3n]);
    });

    it("a soft-deleted stream counts as 'no_stream' for the next append", async () => {
      const stream = await streamWith(2);
      await ctx.store.deleteStream(stream);
      const result = await ctx.store.append(stream, events(1), 'no_stream');
      expect(result.nextExpectedRevision).toBe(2n);
      expect(revisions(await readStream(ctx.store, stream))).toEqual([2n]);
      const next = await ctx.store.append(stream, events(1), 2n);
      expect(next.nextExpectedRevision).toBe(3n);
    });

    it('checks the expected revision: exact succeeds, wrong fails and leaves the stream intact', async () => {
      const stream = await streamWith(3);
      const error = await failure(() => ctx.store.deleteStream(stream, 1n));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expected: 1n, actual: 2n });
      expect(revisions(await readStream(ctx.store, stream))).toEqual(range(0, 2));
      await ctx.store.deleteStream(stream, 2n);
      await expectError(() => readStream(ctx.store, stream), StreamNotFoundError, stream);
    });

    it('drops custom metadata (as EventStoreDB does); the reported metastream revision stays usable', async () => {
      const stream = await streamWith(2);
      await ctx.store.setStreamMetadata(stream, { custom: { owner: 'team-a' } });
      await ctx.store.deleteStream(stream);
      await ctx.store.append(stream, events(1));
      const after = await ctx.store.getStreamMetadata(stream);
      expect(after?.metadata.custom).toBeUndefined();
      // optimistic concurrency on metadata still works from what getStreamMetadata says
      const written = await ctx.store.setStreamMetadata(
        stream,
        { custom: { owner: 'team-b' } },
        after!.metastreamRevision,
      );
      expect(written.nextExpectedRevision).toBe(after!.metastreamRevision + 1n);
      expect((await ctx.store.getStreamMetadata(stream))?.metadata.custom).toEqual({ owner: 'team-b' });
    });

    it('a metadata write after deletion and recreation does not bring the deleted events back', async () => {
      const stream = await streamWith(2);
      await ctx.store.deleteStream(stream);
      const fresh = events(1, 'Recreated');
      await ctx.store.append(stream, fresh);
      await ctx.store.setStreamMetadata(stream, { custom: { owner: 'team-b' } });
      const read = await readStream(ctx.store, stream);
      expect(revisions(read)).toEqual([2n]);
      expect(ids(read)).toEqual(ids(fresh));
    });

    it('a metadata write on a soft-deleted stream is refused and does not bring its events back', async () => {
      const stream = await streamWith(2);
      await ctx.store.deleteStream(stream);
      await expectError(
        () => ctx.store.setStreamMetadata(stream, { custom: { owner: 'team-b' } }),
        StreamNotFoundError,
        stream,
      );
      await expectError(() => readStream(ctx.store, stream), StreamNotFoundError, stream);
      expect((await ctx.store.append(stream, events(1), 'no_stream')).nextExpectedRevision).toBe(2n);
    });
  });

  describe('tombstone', () => {
    it('makes reads throw StreamDeletedError', async () => {
      const stream = await streamWith(2);
      await ctx.store.tombstoneStream(stream);
      await expectError(() => readStream(ctx.store, stream), StreamDeletedError, stream);
      await expectError(() => readStream(ctx.store, stream, { direction: 'backwards' }), StreamDeletedError, stream);
      const error = await failure(() => readStream(ctx.store, stream));
      expect(error).toMatchObject({ code: 'STREAM_DELETED' });
    });

    it.each<[string, ExpectedRevision]>([
      ['any', 'any'],
      ['no_stream', 'no_stream'],
      ['stream_exists', 'stream_exists'],
      ['the last revision', 1n],
    ])('makes appends throw StreamDeletedError (expected %s)', async (_, expected) => {
      const stream = await streamWith(2);
      await ctx.store.tombstoneStream(stream);
      await expectError(() => ctx.store.append(stream, events(1), expected), StreamDeletedError, stream);
    });

    it('makes a later delete or tombstone throw StreamDeletedError', async () => {
      const stream = await streamWith(1);
      await ctx.store.tombstoneStream(stream);
      await expectError(() => ctx.store.deleteStream(stream), StreamDeletedError, stream);
      await expectError(() => ctx.store.tombstoneStream(stream), StreamDeletedError, stream);
    });

    it('tombstones a soft-deleted stream for good', async () => {
      const stream = await streamWith(1);
      await ctx.store.deleteStream(stream);
      await ctx.store.tombstoneStream(stream);
      await expectError(() => readStream(ctx.store, stream), StreamDeletedError, stream);
      await expectError(() => ctx.store.append(stream, events(1)), StreamDeletedError, stream);
    });

    it('checks the expected revision: wrong fails and leaves the stream intact', async () => {
      const stream = await streamWith(2);
      const error = await failure(() => ctx.store.tombstoneStream(stream, 0n));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expected: 0n, actual: 1n });
      expect(revisions(await readStream(ctx.store, stream))).toEqual([0n, 1n]);
      await ctx.store.tombstoneStream(stream, 1n);
      await expectError(() => readStream(ctx.store, stream), StreamDeletedError, stream);
    });
  });
});
