import { StreamNotFoundError, WrongExpectedVersionError } from '@helpdesk/event-store';
import { describeContract, events, failure, ids, range, readStream, revisions, uniqueStream } from './support.js';

describeContract('stream metadata', (ctx) => {
  async function streamWith(count: number): Promise<{ stream: string; written: ReturnType<typeof events> }> {
    const stream = uniqueStream();
    const written = events(count);
    await ctx.store.append(stream, written, 'no_stream');
    return { stream, written };
  }

  it('is null for a stream that never had metadata', async () => {
    expect(await ctx.store.getStreamMetadata(uniqueStream())).toBeNull();
    const { stream } = await streamWith(2);
    expect(await ctx.store.getStreamMetadata(stream)).toBeNull();
  });

  it('round-trips truncateBefore, maxCount, maxAge and custom keys', async () => {
    const { stream } = await streamWith(1);
    const custom = { owner: 'team-ü', retention: { days: 30, legalHold: false }, tags: ['a', 'b'], nothing: null };
    await ctx.store.setStreamMetadata(stream, { truncateBefore: 0n, maxCount: 1000, maxAge: 86_400, custom });
    const result = await ctx.store.getStreamMetadata(stream);
    expect(result?.metadata).toEqual({ truncateBefore: 0n, maxCount: 1000, maxAge: 86_400, custom });
    expect(typeof result?.metadata.truncateBefore).toBe('bigint');
  });

  it('replaces the previous metadata rather than merging into it', async () => {
    const { stream } = await streamWith(1);
    await ctx.store.setStreamMetadata(stream, { maxCount: 5, custom: { a: 1 } });
    await ctx.store.setStreamMetadata(stream, { custom: { b: 2 } });
    const result = await ctx.store.getStreamMetadata(stream);
    expect(result?.metadata).toEqual({ custom: { b: 2 } });
  });

  it('counts metastream revisions, as the write results say', async () => {
    const { stream } = await streamWith(1);
    for (let i = 0; i < 3; i++) {
      const written = await ctx.store.setStreamMetadata(stream, { custom: { version: i } });
      expect(written.nextExpectedRevision).toBe(BigInt(i));
      const read = await ctx.store.getStreamMetadata(stream);
      expect(read?.metastreamRevision).toBe(BigInt(i));
      expect(read?.metadata.custom).toEqual({ version: i });
    }
  });

  it('checks the expected metastream revision on writes', async () => {
    const { stream } = await streamWith(1);
    await ctx.store.setStreamMetadata(stream, { custom: { v: 0 } }, 'no_stream');
    const twice = await failure(() => ctx.store.setStreamMetadata(stream, { custom: { v: 'x' } }, 'no_stream'));
    expect(twice).toBeInstanceOf(WrongExpectedVersionError);
    expect(twice).toMatchObject({ expected: 'no_stream', actual: 0n });

    await ctx.store.setStreamMetadata(stream, { custom: { v: 1 } }, 0n);
    const stale = await failure(() => ctx.store.setStreamMetadata(stream, { custom: { v: 'y' } }, 0n));
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ expected: 0n, actual: 1n });

    await ctx.store.setStreamMetadata(stream, { custom: { v: 2 } }, 'stream_exists');
    expect(await ctx.store.getStreamMetadata(stream)).toEqual({
      metadata: { custom: { v: 2 } },
      metastreamRevision: 2n,
    });

    const never = await failure(() => ctx.store.setStreamMetadata(uniqueStream(), { custom: {} }, 'stream_exists'));
    expect(never).toBeInstanceOf(WrongExpectedVersionError);
    expect(never).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });

  it('truncateBefore hides earlier events from reads in both directions', async () => {
    const { stream, written } = await streamWith(6);
    await ctx.store.setStreamMetadata(stream, { truncateBefore: 4n });
    expect(ids(await readStream(ctx.store, stream))).toEqual(ids(written.slice(4)));
    expect(revisions(await readStream(ctx.store, stream, { fromRevision: 1n }))).toEqual([4n, 5n]);
    expect(revisions(await readStream(ctx.store, stream, { direction: 'backwards' }))).toEqual([5n, 4n]);
    expect(revisions(await readStream(ctx.store, stream, { direction: 'backwards', fromRevision: 3n }))).toEqual([]);
    // the stream goes on from its own revision
    expect((await ctx.store.append(stream, events(1), 5n)).nextExpectedRevision).toBe(6n);
    expect(revisions(await readStream(ctx.store, stream))).toEqual(range(4, 6));
  });

  it('maxCount keeps only the newest events readable', async () => {
    const { stream } = await streamWith(5);
    await ctx.store.setStreamMetadata(stream, { maxCount: 2 });
    expect(revisions(await readStream(ctx.store, stream))).toEqual([3n, 4n]);
    expect(revisions(await readStream(ctx.store, stream, { direction: 'backwards' }))).toEqual([4n, 3n]);
    await ctx.store.append(stream, events(1), 4n);
    expect(revisions(await readStream(ctx.store, stream))).toEqual([4n, 5n]);
  });

  it('can be written before the stream has events; the stream stays not found until then', async () => {
    const stream = uniqueStream();
    await ctx.store.setStreamMetadata(stream, { custom: { early: true } });
    expect(await ctx.store.getStreamMetadata(stream)).toEqual({
      metadata: { custom: { early: true } },
      metastreamRevision: 0n,
    });
    expect(await failure(() => readStream(ctx.store, stream))).toBeInstanceOf(StreamNotFoundError);
    expect((await ctx.store.append(stream, events(1), 'no_stream')).nextExpectedRevision).toBe(0n);
  });

  it('metadata writes do not touch the stream itself', async () => {
    const { stream, written } = await streamWith(2);
    await ctx.store.setStreamMetadata(stream, { custom: { a: 1 } });
    await ctx.store.setStreamMetadata(stream, { custom: { a: 2 } });
    expect(ids(await readStream(ctx.store, stream))).toEqual(ids(written));
    expect((await ctx.store.append(stream, events(1), 1n)).nextExpectedRevision).toBe(2n);
  });
});
