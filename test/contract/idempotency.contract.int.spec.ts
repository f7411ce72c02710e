import {
  allMark,
  describeContract,
  events,
  ids,
  range,
  readAllSince,
  readStream,
  revisions,
  uniquePrefix,
  uniqueStream,
} from './support.js';

/**
 * Only exact and `no_stream` retries are promised to be idempotent: EventStoreDB checks them
 * against the stream itself, at any later time. An `any`/`stream_exists` retry is recognised only
 * within the leader's window of recent commits (see test/esdb-server/esdb-server-faults.int.spec.ts).
 */
describeContract('idempotent appends', (ctx) => {
  it("re-appending the same ids with 'no_stream' succeeds, same revision, writes nothing", async () => {
    const prefix = uniquePrefix();
    const stream = uniqueStream(prefix);
    const batch = events(3, 'Opened');
    const mark = await allMark(ctx.store);

    const first = await ctx.store.append(stream, batch, 'no_stream');
    const again = await ctx.store.append(stream, batch, 'no_stream');

    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(again.nextExpectedRevision).toBe(2n);
    expect(ids(await readStream(ctx.store, stream))).toEqual(ids(batch));
    expect(ids(await readAllSince(ctx.store, mark, prefix))).toEqual(ids(batch));
  });

  it('re-appending the same ids at the same exact revision succeeds, same revision, writes nothing', async () => {
    const prefix = uniquePrefix();
    const stream = uniqueStream(prefix);
    const head = events(2, 'Head');
    const batch = events(3, 'Tail');
    const mark = await allMark(ctx.store);
    await ctx.store.append(stream, head, 'no_stream');

    const first = await ctx.store.append(stream, batch, 1n);
    const again = await ctx.store.append(stream, batch, 1n);

    expect(first.nextExpectedRevision).toBe(4n);
    expect(again.nextExpectedRevision).toBe(4n);
    const read = await readStream(ctx.store, stream);
    expect(ids(read)).toEqual([...ids(head), ...ids(batch)]);
    expect(revisions(read)).toEqual(range(0, 4));
    expect(ids(await readAllSince(ctx.store, mark, prefix))).toEqual([...ids(head), ...ids(batch)]);
  });

  it('a single-event retry is idempotent too', async () => {
    const stream = uniqueStream();
    await ctx.store.append(stream, events(1), 'no_stream');
    const [one] = events(1, 'Retried');
    const first = await ctx.store.append(stream, [one], 0n);
    const again = await ctx.store.append(stream, [one], 0n);
    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(revisions(await readStream(ctx.store, stream))).toEqual([0n, 1n]);
  });

  it('after a retry the stream continues from the original revision', async () => {
    const stream = uniqueStream();
    const batch = events(2);
    const first = await ctx.store.append(stream, batch, 'no_stream');
    await ctx.store.append(stream, batch, 'no_stream');
    const next = await ctx.store.append(stream, events(1), first.nextExpectedRevision);
    expect(next.nextExpectedRevision).toBe(2n);
    expect(revisions(await readStream(ctx.store, stream))).toEqual(range(0, 2));
  });

  it('a retry is idempotent even after the stream moved on', async () => {
    const prefix = uniquePrefix();
    const stream = uniqueStream(prefix);
    const mark = await allMark(ctx.store);
    const batch = events(2, 'Original');
    const first = await ctx.store.append(stream, batch, 'no_stream');
    const later = events(2, 'Later');
    await ctx.store.append(stream, later, first.nextExpectedRevision);

    const retry = await ctx.store.append(stream, batch, 'no_stream');

    expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(ids(await readStream(ctx.store, stream))).toEqual([...ids(batch), ...ids(later)]);
    expect(ids(await readAllSince(ctx.store, mark, prefix))).toEqual([...ids(batch), ...ids(later)]);
  });
});
