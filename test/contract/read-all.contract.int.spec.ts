import { EventToAppend, comparePositions, isSystemEventType } from '@helpdesk/event-store';
import {
  allMark,
  belongsTo,
  describeContract,
  events,
  expectStrictlyIncreasing,
  ids,
  readAll,
  readAllBackwardsSince,
  readAllSince,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('reading $all', (ctx, sut) => {
  /** Interleaved appends to three streams under one prefix; returns the ids in append order. */
  async function interleaved(prefix: string, rounds = 4): Promise<string[]> {
    const streams = [uniqueStream(prefix), uniqueStream(prefix), uniqueStream(prefix)];
    const order: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [i, stream] of streams.entries()) {
        const batch: EventToAppend[] = events(1 + ((round + i) % 3), `Round${round}`);
        await ctx.store.append(stream, batch);
        order.push(...ids(batch));
      }
    }
    return order;
  }

  it('keeps the global append order across interleaved appends to several streams', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const order = await interleaved(prefix);
    const mine = await readAllSince(ctx.store, mark, prefix);
    expect(ids(mine)).toEqual(order);
    expectStrictlyIncreasing(mine.map((e) => e.position));
  });

  it('reads backwards in exactly the reverse order', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const order = await interleaved(prefix);
    const forwards = await readAllSince(ctx.store, mark, prefix);
    const backwards = (await readAllBackwardsSince(ctx.store, mark)).filter(belongsTo(prefix));
    expect(ids(backwards)).toEqual([...order].reverse());
    expect(backwards).toEqual([...forwards].reverse());
  });

  it('reads forwards from a position, inclusive', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const order = await interleaved(prefix);
    const mine = await readAllSince(ctx.store, mark, prefix);
    const from = mine[5];
    const read = (await readAll(ctx.store, { fromPosition: from.position })).filter(belongsTo(prefix));
    expect(read[0]).toEqual(from);
    expect(ids(read)).toEqual(order.slice(5));
  });

  it('reads backwards from a position, inclusive', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const order = await interleaved(prefix);
    const mine = await readAllSince(ctx.store, mark, prefix);
    const from = mine[7];
    const read = (await readAll(ctx.store, { direction: 'backwards', fromPosition: from.position })).filter(
      belongsTo(prefix),
    );
    expect(ids(read)).toEqual(order.slice(0, 8).reverse());
  });

  it('honours maxCount forwards and backwards', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    await interleaved(prefix);
    const mine = await readAllSince(ctx.store, mark, prefix);

    const forwards = await readAll(ctx.store, { fromPosition: mine[2].position, maxCount: 4 });
    expect(forwards).toHaveLength(4);
    expect(forwards[0]).toEqual(mine[2]);
    expectStrictlyIncreasing(forwards.map((e) => e.position));

    const backwards = await readAll(ctx.store, { direction: 'backwards', fromPosition: mine[9].position, maxCount: 3 });
    expect(backwards).toHaveLength(3);
    expect(backwards[0]).toEqual(mine[9]);
    expectStrictlyIncreasing(backwards.map((e) => e.position).reverse());

    const last = await readAll(ctx.store, { direction: 'backwards', maxCount: 1 });
    expect(last).toHaveLength(1);
    expect(comparePositions(last[0].position, mine[mine.length - 1].position)).toBeGreaterThanOrEqual(0);
  });

  it("reading forwards from 'end' yields nothing", async () => {
    await ctx.store.append(uniqueStream(), events(2));
    expect(await readAll(ctx.store, { fromPosition: 'end' })).toEqual([]);
  });

  it('reads more events than any page size, positions strictly increasing', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const streams = [uniqueStream(prefix), uniqueStream(prefix)];
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      const batch = events(100, 'Bulk');
      await ctx.store.append(streams[i % 2], batch);
      order.push(...ids(batch));
    }
    const forwards = await readAllSince(ctx.store, mark, prefix);
    expect(ids(forwards)).toEqual(order);
    expectStrictlyIncreasing(forwards.map((e) => e.position));
    const backwards = (await readAllBackwardsSince(ctx.store, mark)).filter(belongsTo(prefix));
    expect(ids(backwards)).toEqual([...order].reverse());
  }, 60_000);

  it('never yields system events, even after metadata writes, deletes and tombstones', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const [withMetadata, deleted, tombstoned, recreated] = [1, 2, 3, 4].map(() => uniqueStream(prefix));
    for (const stream of [withMetadata, deleted, tombstoned, recreated]) await ctx.store.append(stream, events(2));
    await ctx.store.setStreamMetadata(withMetadata, { custom: { a: 1 } });
    await ctx.store.setStreamMetadata(withMetadata, { truncateBefore: 1n });
    await ctx.store.setStreamMetadata(uniqueStream(prefix), { maxCount: 3 });
    await ctx.store.deleteStream(deleted);
    await ctx.store.tombstoneStream(tombstoned);
    await ctx.store.deleteStream(recreated);
    await ctx.store.append(recreated, events(1, 'Recreated'));
    const sentinel = uniqueStream(prefix);
    await ctx.store.append(sentinel, events(1, 'Sentinel'));

    const forwards = await readAll(ctx.store, { fromPosition: mark });
    const backwards = await readAllBackwardsSince(ctx.store, mark);
    for (const read of [forwards, backwards]) {
      expect(read.filter((e) => isSystemEventType(e.type) || e.streamName.startsWith('$'))).toEqual([]);
      const mine = read.filter(belongsTo(prefix));
      expect(mine.filter((e) => e.streamName === withMetadata)).toHaveLength(2);
      expect(mine.filter((e) => e.streamName === recreated && e.type === 'Recreated')).toHaveLength(1);
      expect(mine.filter((e) => e.streamName === sentinel)).toHaveLength(1);
    }
  });

  it('with decodeOnly, reads the same events in the same order, the listed types decoded as in a full read', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const stream = uniqueStream(prefix);
    await ctx.store.append(stream, [
      ...events(3, 'Wanted', { text: 'kept' }),
      ...events(2, 'Payload', { body: 'x'.repeat(10_000) }),
      ...events(1, 'Wanted', { text: 'last' }),
    ]);
    const full = await readAllSince(ctx.store, mark, prefix);
    for (const direction of ['forwards', 'backwards'] as const) {
      const options = { fromPosition: direction === 'forwards' ? mark : ('end' as const), direction };
      const read = (await readAll(ctx.store, { ...options, decodeOnly: new Set(['Wanted']) })).filter(
        belongsTo(prefix),
      );
      const expected = direction === 'forwards' ? full : [...full].reverse();
      const skeleton = (e: (typeof full)[number]) => [e.id, e.type, e.streamName, e.revision, e.position, e.created];
      expect(read.map(skeleton)).toEqual(expected.map(skeleton));
      expect(read.filter((e) => e.type === 'Wanted')).toEqual(expected.filter((e) => e.type === 'Wanted'));
      // The others: undecoded (data null, no metadata) where the adapter can skip it, untouched where it cannot.
      for (const [i, event] of read.entries()) {
        if (event.type === 'Wanted') continue;
        if (event.data === null) expect(event.metadata).toEqual({});
        else expect(event).toEqual(expected[i]);
      }
      // The embedded store does skip them (the point of the hint: a rebuild leaves webhook payloads unparsed).
      if (sut.adapter === 'sqlite')
        expect(read.filter((e) => e.type === 'Payload').map((e) => e.data)).toEqual([null, null]);
    }
  });
});
