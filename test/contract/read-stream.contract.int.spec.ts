import { StreamNotFoundError, comparePositions } from '@helpdesk/event-store';
import {
  allMark,
  describeContract,
  event,
  events,
  expectStrictlyIncreasing,
  failure,
  ids,
  range,
  readAllSince,
  readStream,
  revisions,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('reading a stream', (ctx) => {
  /** A stream of 10 events, data `{ n }`, revisions 0..9. */
  async function tenEvents(): Promise<{ stream: string; written: ReturnType<typeof events> }> {
    const stream = uniqueStream();
    const written = events(10);
    await ctx.store.append(stream, written.slice(0, 4), 'no_stream');
    await ctx.store.append(stream, written.slice(4), 3n);
    return { stream, written };
  }

  it('reads forwards from the start by default', async () => {
    const { stream, written } = await tenEvents();
    const read = await readStream(ctx.store, stream);
    expect(ids(read)).toEqual(ids(written));
    expect(revisions(read)).toEqual(range(0, 9));
    expectStrictlyIncreasing(read.map((e) => e.position));
  });

  it("reads backwards from 'end' by default when backwards", async () => {
    const { stream, written } = await tenEvents();
    const read = await readStream(ctx.store, stream, { direction: 'backwards' });
    expect(ids(read)).toEqual(ids(written).reverse());
    expect(revisions(read)).toEqual(range(0, 9).reverse());
  });

  it('reads forwards from a revision, inclusive', async () => {
    const { stream, written } = await tenEvents();
    const read = await readStream(ctx.store, stream, { fromRevision: 6n });
    expect(ids(read)).toEqual(ids(written.slice(6)));
    expect(revisions(read)).toEqual(range(6, 9));
  });

  it('reads backwards from a revision, inclusive', async () => {
    const { stream } = await tenEvents();
    const read = await readStream(ctx.store, stream, { direction: 'backwards', fromRevision: 3n });
    expect(revisions(read)).toEqual([3n, 2n, 1n, 0n]);
  });

  it('honours maxCount in both directions', async () => {
    const { stream } = await tenEvents();
    expect(revisions(await readStream(ctx.store, stream, { maxCount: 3 }))).toEqual([0n, 1n, 2n]);
    expect(revisions(await readStream(ctx.store, stream, { fromRevision: 8n, maxCount: 5 }))).toEqual([8n, 9n]);
    expect(revisions(await readStream(ctx.store, stream, { direction: 'backwards', maxCount: 2 }))).toEqual([9n, 8n]);
    expect(
      revisions(await readStream(ctx.store, stream, { direction: 'backwards', fromRevision: 5n, maxCount: 3 })),
    ).toEqual([5n, 4n, 3n]);
  });

  it("'end' backwards with maxCount 1 is the last event; forwards from 'end' is empty", async () => {
    const { stream } = await tenEvents();
    expect(
      revisions(await readStream(ctx.store, stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })),
    ).toEqual([9n]);
    expect(await readStream(ctx.store, stream, { fromRevision: 'end' })).toEqual([]);
  });

  it('reading forwards past the last revision yields nothing (the stream exists)', async () => {
    const { stream } = await tenEvents();
    expect(await readStream(ctx.store, stream, { fromRevision: 10n })).toEqual([]);
    expect(await readStream(ctx.store, stream, { fromRevision: 1000n })).toEqual([]);
  });

  it('throws StreamNotFoundError for a stream never written', async () => {
    const stream = uniqueStream();
    for (const options of [undefined, { direction: 'backwards' as const }, { fromRevision: 3n }]) {
      const error = await failure(() => readStream(ctx.store, stream, options));
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ code: 'STREAM_NOT_FOUND', streamName: stream });
    }
  });

  it("reads a stream never written, or soft-deleted, as no events with missing: 'empty'", async () => {
    const stream = uniqueStream();
    for (const options of [{}, { direction: 'backwards' as const }, { fromRevision: 3n }]) {
      expect(await readStream(ctx.store, stream, { ...options, missing: 'empty' })).toEqual([]);
    }
    const deleted = uniqueStream();
    await ctx.store.append(deleted, events(2), 'no_stream');
    expect(await readStream(ctx.store, deleted, { missing: 'empty' })).toHaveLength(2);
    await ctx.store.deleteStream(deleted);
    expect(await readStream(ctx.store, deleted, { missing: 'empty' })).toEqual([]);
  });

  it('reads a stream longer than any page size, in both directions', async () => {
    const stream = uniqueStream();
    const written = events(1200, 'Many');
    for (let i = 0; i < written.length; i += 300) await ctx.store.append(stream, written.slice(i, i + 300));
    const forwards = await readStream(ctx.store, stream);
    expect(ids(forwards)).toEqual(ids(written));
    expect(revisions(forwards)).toEqual(range(0, 1199));
    const backwards = await readStream(ctx.store, stream, { direction: 'backwards' });
    expect(ids(backwards)).toEqual(ids(written).reverse());
  }, 60_000);

  describe('the recorded event envelope', () => {
    it('has id, type, streamName, revision, position and a created date near now', async () => {
      const prefix = uniquePrefix();
      const stream = uniqueStream(prefix);
      const mark = await allMark(ctx.store);
      const before = Date.now();
      const written = [event('TicketOpened', { a: 1 }), event('TicketAssigned', { b: 2 })];
      const result = await ctx.store.append(stream, written, 'no_stream');
      const after = Date.now();

      const read = await readStream(ctx.store, stream);
      expect(read.map(({ id, type, streamName, revision }) => ({ id, type, streamName, revision }))).toEqual([
        { id: written[0].id, type: 'TicketOpened', streamName: stream, revision: 0n },
        { id: written[1].id, type: 'TicketAssigned', streamName: stream, revision: 1n },
      ]);
      for (const e of read) {
        expect(e.created).toBeInstanceOf(Date);
        expect(e.created.getTime()).toBeGreaterThanOrEqual(before - 5_000);
        expect(e.created.getTime()).toBeLessThanOrEqual(after + 5_000);
        expect(typeof e.position.commit).toBe('bigint');
        expect(typeof e.position.prepare).toBe('bigint');
      }
      expect(read[1].position).toEqual(result.position);
      expect(comparePositions(read[0].position, read[1].position)).toBeLessThan(0);
      // the stream read and the $all read agree on positions
      const inAll = await readAllSince(ctx.store, mark, prefix);
      expect(inAll.map((e) => e.position)).toEqual(read.map((e) => e.position));
      expect(inAll).toEqual(read);
    });

    it('round-trips nested JSON and unicode data exactly', async () => {
      const stream = uniqueStream();
      const data = {
        text: 'Olá, ¿qué tal? 日本語 — emoji 🎉👩🏽‍💻, quotes "\'`, backslash \\ and \n newline',
        nested: {
          list: [1, -2.5, 0, 1e21, 'two', null, true, false, { deep: { deeper: ['x'] } }],
          empty: {},
          none: [],
        },
        nothing: null,
        zero: 0,
        emptyString: '',
        'key with spaces & ümlauts': 'ok',
      };
      await ctx.store.append(stream, [event('Unicode✓', data), event('Array', [1, { a: 'b' }, 'c'])]);
      const [first, second] = await readStream(ctx.store, stream);
      expect(first.type).toBe('Unicode✓');
      expect(first.data).toEqual(data);
      expect(second.data).toEqual([1, { a: 'b' }, 'c']);
    });

    it('round-trips the well-known metadata keys and custom ones', async () => {
      const stream = uniqueStream();
      const metadata = {
        tenantId: 'tenant-ü-1',
        actorId: 'agent:42',
        correlationId: '3f3e4c1a-0000-4000-8000-000000000001',
        causationId: '3f3e4c1a-0000-4000-8000-000000000002',
        ruleVersion: 'sla-v3',
        channel: 'whatsapp',
        attempt: 3,
        flags: { urgent: true, tags: ['a', 'b'] },
      };
      await ctx.store.append(stream, [event('WithMetadata', { x: 1 }, metadata)]);
      const [read] = await readStream(ctx.store, stream);
      expect(read.metadata).toEqual(metadata);
    });

    it('gives an empty metadata object when none was written', async () => {
      const stream = uniqueStream();
      await ctx.store.append(stream, [event('Bare', { x: 1 })]);
      const [read] = await readStream(ctx.store, stream);
      expect(read.metadata).toEqual({});
    });
  });
});
