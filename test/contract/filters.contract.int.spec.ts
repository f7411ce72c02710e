import { AllFilter, EventToAppend } from '@helpdesk/event-store';
import {
  SLOW,
  allMark,
  checkpointsOf,
  describeContract,
  event,
  events,
  eventsOf,
  expectConsistentCheckpoints,
  expectStrictlyIncreasing,
  ids,
  isCaughtUp,
  take,
  takeMessages,
  takeUntil,
  uniquePrefix,
} from './support.js';

describeContract('filtered subscriptions and checkpoints', (ctx) => {
  /**
   * Appends `history` before subscribing with `filter` (from a mark) and `live` after caughtUp;
   * expects exactly the events `matches` selects, in order, through catch-up and live.
   */
  async function expectFilterDelivers(
    filter: AllFilter,
    writes: { stream: string; event: EventToAppend; matches: boolean }[],
  ): Promise<void> {
    const half = Math.floor(writes.length / 2);
    const mark = await allMark(ctx.store);
    for (const w of writes.slice(0, half)) await ctx.store.append(w.stream, [w.event]);

    const subscription = ctx.subscribe({ fromPosition: mark, filter });
    const history = eventsOf(await takeUntil(subscription, isCaughtUp));
    expect(ids(history)).toEqual(
      writes
        .slice(0, half)
        .filter((w) => w.matches)
        .map((w) => w.event.id),
    );

    for (const w of writes.slice(half)) await ctx.store.append(w.stream, [w.event]);
    const expectedLive = writes
      .slice(half)
      .filter((w) => w.matches)
      .map((w) => w.event.id);
    expect(ids(await take(subscription, expectedLive.length))).toEqual(expectedLive);

    // nothing that should have been filtered out is still on its way
    const [sentinel] = writes.filter((w) => w.matches).slice(-1);
    const again = { ...sentinel.event, id: event('x', {}).id };
    await ctx.store.append(sentinel.stream, [again]);
    expect(ids(await take(subscription, 1))).toEqual([again.id]);
  }

  it('filters on event type prefixes', async () => {
    const p = uniquePrefix('T');
    const stream = `${p}-stream`;
    const types = [`${p}.Opened`, `${p}.Ignored`, `${p}.ClosedByAgent`, `${p}.Reopened`, 'Other', `${p}.Opened`];
    const writes = [...types, ...types].map((type) => ({
      stream,
      event: event(type, {}),
      matches: type.startsWith(`${p}.Opened`) || type.startsWith(`${p}.Closed`),
    }));
    await expectFilterDelivers({ on: 'eventType', prefixes: [`${p}.Opened`, `${p}.Closed`] }, writes);
  });

  it('filters on an event type regex', async () => {
    const p = uniquePrefix('T');
    const stream = `${p}-stream`;
    const types = [`${p}.Opened`, `${p}.Opened2`, `${p}.Closed`, `x${p}.Closed`, `${p}.Assigned`];
    const regex = `^${p}\\.(Opened|Closed)$`;
    const writes = [...types, ...types].map((type) => ({
      stream,
      event: event(type, {}),
      matches: new RegExp(regex).test(type),
    }));
    expect(writes.filter((w) => w.matches)).toHaveLength(4);
    await expectFilterDelivers({ on: 'eventType', regex }, writes);
  });

  it('filters on stream name prefixes', async () => {
    const p = uniquePrefix();
    const streams = [`${p}-ticket-1`, `${p}-contact-1`, `${p}-agent-1`, `${p}-ticket-2`, `x${p}-ticket-3`];
    const writes = [...streams, ...streams].map((stream) => ({
      stream,
      event: event('Thing', {}),
      matches: stream.startsWith(`${p}-ticket`) || stream.startsWith(`${p}-agent`),
    }));
    await expectFilterDelivers({ on: 'streamName', prefixes: [`${p}-ticket`, `${p}-agent`] }, writes);
  });

  it('filters on a stream name regex', async () => {
    const p = uniquePrefix();
    const streams = [`${p}-ticket-1`, `${p}-ticket-x`, `${p}-contact-22`, `${p}-agent-1`, `${p}-ticket-33`];
    const regex = `^${p}-(ticket|contact)-\\d+$`;
    const writes = [...streams, ...streams].map((stream) => ({
      stream,
      event: event('Thing', {}),
      matches: new RegExp(regex).test(stream),
    }));
    expect(writes.filter((w) => w.matches)).toHaveLength(6);
    await expectFilterDelivers({ on: 'streamName', regex }, writes);
  });

  it(
    'emits increasing checkpoints while catching up over many non-matching events',
    async () => {
      const p = uniquePrefix();
      const mark = await allMark(ctx.store);
      const [first] = events(1, 'Match');
      const [last] = events(1, 'Match');
      await ctx.store.append(`${p}-match`, [first]);
      for (let i = 0; i < 10; i++) await ctx.store.append(`${p}-noise`, events(100, 'Noise'));
      await ctx.store.append(`${p}-match`, [last]);

      const subscription = ctx.subscribe({
        fromPosition: mark,
        filter: { on: 'streamName', prefixes: [`${p}-match`], checkpointEvery: 10 },
      });
      const messages = await takeMessages(subscription, 2);
      expect(ids(eventsOf(messages))).toEqual([first.id, last.id]);
      const between = checkpointsOf(messages.slice(messages.findIndex((m) => m.kind === 'event')));
      expect(between.length).toBeGreaterThanOrEqual(2);
      expectStrictlyIncreasing(between);
      expectConsistentCheckpoints(messages);
    },
    SLOW,
  );

  it(
    'emits increasing checkpoints while filtering live events',
    async () => {
      const p = uniquePrefix();
      const subscription = ctx.subscribe({
        fromPosition: 'end',
        filter: { on: 'streamName', prefixes: [`${p}-match`], checkpointEvery: 10 },
      });
      await takeUntil(subscription, isCaughtUp);
      for (let i = 0; i < 10; i++) await ctx.store.append(`${p}-noise`, events(100, 'Noise'));
      const [match] = events(1, 'Match');
      await ctx.store.append(`${p}-match`, [match]);

      const messages = await takeMessages(subscription, 1);
      expect(ids(eventsOf(messages))).toEqual([match.id]);
      expect(checkpointsOf(messages).length).toBeGreaterThanOrEqual(2);
      expectConsistentCheckpoints(messages);
    },
    SLOW,
  );
});
