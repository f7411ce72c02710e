import {
  CheckpointBeyondLogEndError,
  InvalidEventError,
  type Position,
  type RecordedEvent,
  comparePositions,
} from '@helpdesk/event-store';
import {
  allMark,
  belongsTo,
  checkpointsOf,
  describeContract,
  eventsOf,
  events,
  failure,
  ids,
  isCaughtUp,
  readAll,
  readAllSince,
  readStream,
  takeMessages,
  takeUntil,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('positions from checkpoints', (ctx) => {
  /** 40 events the filter skips, then one it keeps, so the catch-up sends checkpoints between events. */
  async function sparseMatches(prefix: string): Promise<RecordedEvent[]> {
    const mark = await allMark(ctx.store);
    await ctx.store.append(uniqueStream(prefix), events(40, `${prefix}Skip`));
    await ctx.store.append(uniqueStream(prefix), events(1, `${prefix}Keep`));
    return readAllSince(ctx.store, mark, prefix);
  }

  async function checkpointsOfCatchUp(prefix: string, from: Position | 'start'): Promise<Position[]> {
    const subscription = ctx.subscribe({
      fromPosition: from,
      filter: { on: 'eventType', prefixes: [`${prefix}Keep`], checkpointEvery: 4 },
    });
    const checkpoints = checkpointsOf(await takeUntil(subscription, isCaughtUp));
    await subscription.close();
    return checkpoints;
  }

  it('reads backwards from a checkpoint every event before it, the one ending there included', async () => {
    const prefix = uniquePrefix();
    const start = await allMark(ctx.store);
    const mine = await sparseMatches(prefix);
    const checkpoints = (await checkpointsOfCatchUp(prefix, start)).filter(
      (checkpoint) => comparePositions(checkpoint, mine[0].position) > 0,
    );
    expect(checkpoints.length).toBeGreaterThan(2);
    for (const checkpoint of checkpoints) {
      const before = mine.filter((e) => comparePositions(e.position, checkpoint) <= 0);
      const backwards = (await readAll(ctx.store, { direction: 'backwards', fromPosition: checkpoint })).filter(
        belongsTo(prefix),
      );
      expect(ids(backwards)).toEqual(ids(before).reverse());
      const forwards = (await readAll(ctx.store, { fromPosition: checkpoint })).filter(belongsTo(prefix));
      expect(ids(forwards)).toEqual(ids(mine.filter((e) => comparePositions(e.position, checkpoint) >= 0)));
    }
  });

  it('resumes from a checkpoint with exactly the events after it', async () => {
    const prefix = uniquePrefix();
    const start = await allMark(ctx.store);
    const mine = await sparseMatches(prefix);
    const checkpoints = await checkpointsOfCatchUp(prefix, start);
    const middle = checkpoints[Math.floor(checkpoints.length / 2)];
    const resumed = ctx.subscribe({ fromPosition: middle });
    const after = mine.filter((e) => comparePositions(e.position, middle) > 0);
    expect(ids(eventsOf(await takeMessages(resumed, after.length, belongsTo(prefix))))).toEqual(ids(after));
  });

  it('refuses to resume after a position the log has not reached, naming both', async () => {
    const end = await allMark(ctx.store);
    const beyond: Position =
      end === 'start'
        ? { commit: 1_000_000_000n, prepare: 1_000_000_000n }
        : { commit: end.commit + 1_000_000_000n, prepare: end.commit + 1_000_000_000n };
    const subscription = ctx.subscribe({ fromPosition: beyond });
    const error = await failure(() => takeMessages(subscription, 1));
    expect(error).toBeInstanceOf(CheckpointBeyondLogEndError);
    expect((error as CheckpointBeyondLogEndError).checkpoint).toEqual(beyond);
    expect((error as Error).message).toContain(beyond.commit.toString());
  });
});

describeContract('stream metadata out of range', (ctx) => {
  it.each([
    ['maxCount 0', { maxCount: 0 }],
    ['maxAge 0', { maxAge: 0 }],
    ['maxCount -1', { maxCount: -1 }],
    ['maxAge -5', { maxAge: -5 }],
    ['maxCount 1.5', { maxCount: 1.5 }],
  ])('refuses %s and writes nothing (EventStoreDB would ignore $tb with it)', async (_label, bad) => {
    const stream = uniqueStream();
    await ctx.store.append(stream, events(3));
    await ctx.store.setStreamMetadata(stream, { truncateBefore: 2n });
    const error = await failure(() => ctx.store.setStreamMetadata(stream, { truncateBefore: 2n, ...bad }));
    expect(error).toBeInstanceOf(InvalidEventError);
    const stored = await ctx.store.getStreamMetadata(stream);
    expect(stored?.metadata).toEqual({ truncateBefore: 2n });
    expect(stored?.metastreamRevision).toBe(0n);
    expect((await readStream(ctx.store, stream)).map((e) => e.revision)).toEqual([2n]);
  });

  it('accepts 1 for maxCount and maxAge', async () => {
    const stream = uniqueStream();
    await ctx.store.append(stream, events(3));
    await ctx.store.setStreamMetadata(stream, { maxCount: 1, maxAge: 1 });
    expect((await ctx.store.getStreamMetadata(stream))?.metadata).toEqual({ maxCount: 1, maxAge: 1 });
  });
});
