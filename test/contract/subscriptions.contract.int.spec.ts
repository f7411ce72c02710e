import { RecordedEvent, SubscriptionMessage, isSystemEventType } from '@helpdesk/event-store';
import {
  SLOW,
  allMark,
  belongsTo,
  collect,
  describeContract,
  events,
  eventsOf,
  expectStrictlyIncreasing,
  ids,
  isCaughtUp,
  nextMessage,
  readAllSince,
  take,
  takeUntil,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('subscriptions to $all', (ctx) => {
  it('catches up, says caughtUp, then delivers live events', async () => {
    const prefix = uniquePrefix();
    const mine = belongsTo(prefix);
    const stream = uniqueStream(prefix);
    const mark = await allMark(ctx.store);
    const history = events(5, 'Before');
    await ctx.store.append(stream, history, 'no_stream');

    const subscription = ctx.subscribe({ fromPosition: mark });
    const untilCaughtUp = await takeUntil(subscription, isCaughtUp);
    expect(ids(eventsOf(untilCaughtUp).filter(mine))).toEqual(ids(history));

    const live = events(3, 'After');
    await ctx.store.append(stream, live, 4n);
    expect(ids(await take(subscription, 3, mine))).toEqual(ids(live));
  });

  it(
    'delivers every event exactly once, in order, across the switch from catch-up to live under concurrent appends',
    async () => {
      const prefix = uniquePrefix();
      const mine = belongsTo(prefix);
      const streams = [uniqueStream(prefix), uniqueStream(prefix), uniqueStream(prefix)];
      const mark = await allMark(ctx.store);
      const historyIds: string[] = [];
      for (let i = 0; i < 30; i++) {
        const batch = events(50, 'History');
        await ctx.store.append(streams[i % 3], batch);
        historyIds.push(...ids(batch));
      }

      const appendSmallBatches = async (count: number, type: string): Promise<void> => {
        for (let i = 0; i < count; i++) await ctx.store.append(streams[i % 3], events(1 + (i % 3), type));
      };
      const subscription = ctx.subscribe({ fromPosition: mark });
      // appends racing the catch-up
      const duringCatchUp = appendSmallBatches(150, 'DuringCatchUp');
      const received: SubscriptionMessage[] = [];
      let afterCaughtUp: Promise<void> | undefined;
      const expectedTotal = historyIds.length + 300 + 90; // batches of 1, 2, 3 events: 150 → 300, 45 → 90
      let count = 0;
      while (count < expectedTotal) {
        const message = await nextMessage(subscription);
        if (message === undefined) throw new Error(`subscription ended after ${count} events`);
        if (message.kind === 'event' && !mine(message.event)) continue;
        received.push(message);
        if (message.kind === 'event') count++;
        // appends right after the switch to live
        if (message.kind === 'caughtUp' && !afterCaughtUp) afterCaughtUp = appendSmallBatches(45, 'RightAfterCaughtUp');
      }
      await duringCatchUp;
      expect(afterCaughtUp).toBeDefined();
      await afterCaughtUp;

      const delivered = eventsOf(received);
      const stored = await readAllSince(ctx.store, mark, prefix);
      expect(stored).toHaveLength(expectedTotal);
      expect(ids(delivered)).toEqual(ids(stored));
      expectStrictlyIncreasing(delivered.map((e) => e.position));
      // all history written before subscribing came before the first caughtUp
      const firstCaughtUp = received.findIndex(isCaughtUp);
      const beforeCaughtUp = new Set(ids(eventsOf(received.slice(0, firstCaughtUp))));
      expect(historyIds.filter((id) => !beforeCaughtUp.has(id))).toEqual([]);
      // nothing more pending: the next event of ours is a fresh one
      const [sentinel] = events(1, 'Sentinel');
      await ctx.store.append(streams[0], [sentinel]);
      expect(ids(await take(subscription, 1, mine))).toEqual([sentinel.id]);
    },
    SLOW,
  );

  it('starts after fromPosition (exclusive)', async () => {
    const prefix = uniquePrefix();
    const stream = uniqueStream(prefix);
    const written = events(5);
    await ctx.store.append(stream, written);
    const [, second] = await readAllSince(ctx.store, 'start', new Set([stream]));

    const subscription = ctx.subscribe({ fromPosition: second.position });
    expect(ids(await take(subscription, 3, belongsTo(prefix)))).toEqual(ids(written.slice(2)));
  });

  it("from 'end' delivers only events appended after subscribing", async () => {
    const prefix = uniquePrefix();
    const mine = belongsTo(prefix);
    const stream = uniqueStream(prefix);
    await ctx.store.append(stream, events(4, 'Old'), 'no_stream');

    const subscription = ctx.subscribe({ fromPosition: 'end' });
    const untilCaughtUp = await takeUntil(subscription, isCaughtUp);
    expect(eventsOf(untilCaughtUp).filter(mine)).toEqual([]);
    const fresh = events(2, 'New');
    await ctx.store.append(stream, fresh, 3n);
    expect(ids(await take(subscription, 2, mine))).toEqual(ids(fresh));
  });

  it("starts at 'start' by default", async () => {
    const prefix = uniquePrefix();
    const written = events(3);
    await ctx.store.append(uniqueStream(prefix), written);
    const subscription = ctx.subscribe({ filter: { on: 'streamName', prefixes: [prefix] } });
    expect(ids(await take(subscription, 3))).toEqual(ids(written));
  });

  it('close() ends a for-await loop over the subscription', async () => {
    const subscription = ctx.subscribe({ fromPosition: 'end' });
    const seen: SubscriptionMessage[] = [];
    for await (const message of subscription) {
      seen.push(message);
      if (message.kind === 'caughtUp') await subscription.close();
    }
    expect(seen.some(isCaughtUp)).toBe(true);
  });

  it('close() ends a pending wait for the next message', async () => {
    const subscription = ctx.subscribe({ fromPosition: 'end' });
    await takeUntil(subscription, isCaughtUp);
    const pending = nextMessage(subscription);
    await subscription.close();
    await expect(pending).resolves.toBeUndefined();
    // and it stays ended, even when events arrive afterwards
    await ctx.store.append(uniqueStream(), events(1));
    expect(await nextMessage(subscription)).toBeUndefined();
  });

  it('close() before iterating ends the iteration; closing twice is harmless', async () => {
    const subscription = ctx.subscribe({ fromPosition: 'end' });
    await subscription.close();
    await subscription.close();
    await expect(collect(subscription)).resolves.toBeDefined();
  });

  it(
    'a slow consumer of a few thousand events still gets them all, in order',
    async () => {
      const prefix = uniquePrefix();
      const mine = belongsTo(prefix);
      const streams = [uniqueStream(prefix), uniqueStream(prefix)];
      const mark = await allMark(ctx.store);
      for (let i = 0; i < 30; i++) await ctx.store.append(streams[i % 2], events(100, 'Backlog'));

      const subscription = ctx.subscribe({ fromPosition: mark });
      const liveWrites = (async () => {
        for (let i = 0; i < 20; i++) await ctx.store.append(streams[i % 2], events(50, 'Live'));
      })();
      const delivered: RecordedEvent[] = [];
      while (delivered.length < 4000) {
        const [next] = await take(subscription, 1, mine);
        delivered.push(next);
        // the consumer works slower than the store produces
        if (delivered.length % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await liveWrites;
      expect(ids(delivered)).toEqual(ids(await readAllSince(ctx.store, mark, prefix)));
    },
    SLOW,
  );

  it('two subscriptions receive the same events independently', async () => {
    const prefix = uniquePrefix();
    const mine = belongsTo(prefix);
    const mark = await allMark(ctx.store);
    const first = ctx.subscribe({ fromPosition: mark });
    const second = ctx.subscribe({ fromPosition: mark });
    const written = events(20);
    for (let i = 0; i < 20; i += 5) await ctx.store.append(uniqueStream(prefix), written.slice(i, i + 5));
    const [a, b] = await Promise.all([take(first, 20, mine), take(second, 20, mine)]);
    expect(ids(a)).toEqual(ids(written));
    expect(b).toEqual(a);
  });

  it('never delivers system events, even for metadata writes, deletes and tombstones', async () => {
    const prefix = uniquePrefix();
    const mark = await allMark(ctx.store);
    const subscription = ctx.subscribe({ fromPosition: mark });
    const [a, b, c] = [uniqueStream(prefix), uniqueStream(prefix), uniqueStream(prefix)];
    for (const stream of [a, b, c]) await ctx.store.append(stream, events(1));
    await ctx.store.setStreamMetadata(a, { custom: { x: 1 } });
    await ctx.store.deleteStream(b);
    await ctx.store.tombstoneStream(c);
    await ctx.store.append(b, events(1, 'Recreated'));
    const sentinel = uniqueStream(prefix);
    await ctx.store.append(sentinel, events(1, 'Sentinel'));

    const delivered = eventsOf(
      await takeUntil(subscription, (m) => m.kind === 'event' && m.event.streamName === sentinel),
    );
    expect(delivered.filter((e) => isSystemEventType(e.type) || e.streamName.startsWith('$'))).toEqual([]);
    const mine = delivered.filter(belongsTo(prefix));
    expect(mine.filter((e) => e.streamName === a)).toHaveLength(1);
    expect(mine.filter((e) => e.type === 'Recreated' || e.type === 'Sentinel').map((e) => e.type)).toEqual([
      'Recreated',
      'Sentinel',
    ]);
  });
});
