import { AllFilter, Position, RecordedEvent, SubscriptionMessage } from '@helpdesk/event-store';
import {
  SLOW,
  allMark,
  belongsTo,
  describeContract,
  events,
  expectConsistentCheckpoints,
  ids,
  isCaughtUp,
  nextMessage,
  readAllSince,
  take,
  takeUntil,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('resuming subscriptions', (ctx) => {
  /** 40 matching events on `${p}-match-*`, each followed by 25 non-matching ones on `${p}-noise`. */
  async function matchesAmongNoise(p: string): Promise<string[]> {
    const matching: string[] = [];
    for (let i = 0; i < 40; i++) {
      const batch = events(1, 'Match');
      await ctx.store.append(`${p}-match-${i % 4}`, batch);
      matching.push(...ids(batch));
      await ctx.store.append(`${p}-noise`, events(25, 'Noise'));
    }
    return matching;
  }

  /** After resuming, the next event is a fresh one: nothing was delivered twice or left behind. */
  async function expectNothingPending(
    subscription: ReturnType<typeof ctx.subscribe>,
    stream: string,
    where: (e: RecordedEvent) => boolean,
  ): Promise<void> {
    const sentinel = events(1, 'Sentinel');
    await ctx.store.append(stream, sentinel);
    expect(ids(await take(subscription, 1, where))).toEqual(ids(sentinel));
  }

  it('from the last event position delivers exactly the remaining events', async () => {
    const prefix = uniquePrefix();
    const mine = belongsTo(prefix);
    const mark = await allMark(ctx.store);
    const streams = [uniqueStream(prefix), uniqueStream(prefix)];
    for (let i = 0; i < 6; i++) await ctx.store.append(streams[i % 2], events(5));
    const all = await readAllSince(ctx.store, mark, prefix);

    const first = ctx.subscribe({ fromPosition: mark });
    const seen = await take(first, 12, mine);
    await first.close();
    const resumed = ctx.subscribe({ fromPosition: seen[seen.length - 1].position });
    const rest = await take(resumed, 18, mine);

    expect(ids([...seen, ...rest])).toEqual(ids(all));
    await expectNothingPending(resumed, streams[0], mine);
  });

  it(
    'from the last event position of a filtered subscription delivers exactly the remaining matches',
    async () => {
      const p = uniquePrefix();
      const mark = await allMark(ctx.store);
      const matching = await matchesAmongNoise(p);
      const filter: AllFilter = { on: 'streamName', prefixes: [`${p}-match`], checkpointEvery: 10 };

      const first = ctx.subscribe({ fromPosition: mark, filter });
      const seen = await take(first, 15);
      await first.close();
      const resumed = ctx.subscribe({ fromPosition: seen[seen.length - 1].position, filter });
      const rest = await take(resumed, 25);

      expect(ids([...seen, ...rest])).toEqual(matching);
      await expectNothingPending(resumed, `${p}-match-0`, () => true);
    },
    SLOW,
  );

  it(
    'from a checkpoint delivers exactly the remaining matches',
    async () => {
      const p = uniquePrefix();
      const mark = await allMark(ctx.store);
      const matching = await matchesAmongNoise(p);
      const filter: AllFilter = { on: 'streamName', prefixes: [`${p}-match`], checkpointEvery: 10 };

      // read until a checkpoint that comes after at least 10 matches
      const first = ctx.subscribe({ fromPosition: mark, filter });
      const messages: SubscriptionMessage[] = [];
      let checkpoint: Position | undefined;
      let delivered = 0;
      while (!checkpoint) {
        const message = await nextMessage(first);
        if (!message) throw new Error('subscription ended');
        messages.push(message);
        if (message.kind === 'event') delivered++;
        if (message.kind === 'checkpoint' && delivered >= 10) checkpoint = message.position;
        if (delivered === matching.length) throw new Error('no checkpoint after the 10th match');
      }
      await first.close();
      expectConsistentCheckpoints(messages);
      const seen = messages.flatMap((m) => (m.kind === 'event' ? [m.event.id] : []));

      const resumed = ctx.subscribe({ fromPosition: checkpoint, filter });
      const rest = await take(resumed, matching.length - seen.length);
      expect([...seen, ...ids(rest)]).toEqual(matching);
      await expectNothingPending(resumed, `${p}-match-1`, () => true);
    },
    SLOW,
  );

  it('picks up exactly the events appended while no subscription was open', async () => {
    const prefix = uniquePrefix();
    const mine = belongsTo(prefix);
    const stream = uniqueStream(prefix);
    const mark = await allMark(ctx.store);
    await ctx.store.append(stream, events(3));

    const first = ctx.subscribe({ fromPosition: mark });
    const seen = await take(first, 3, mine);
    await takeUntil(first, isCaughtUp);
    const live = events(2);
    await ctx.store.append(stream, live);
    seen.push(...(await take(first, 2, mine)));
    await first.close();

    const whileAway = events(4, 'WhileAway');
    await ctx.store.append(stream, whileAway.slice(0, 2));
    await ctx.store.append(uniqueStream(prefix), whileAway.slice(2));
    const lastSeen = seen[seen.length - 1].position;
    const resumed = ctx.subscribe({ fromPosition: lastSeen });
    const got = await take(resumed, 4, mine);
    expect(ids(got)).toEqual(ids(whileAway));
    await expectNothingPending(resumed, stream, mine);
  });
});
