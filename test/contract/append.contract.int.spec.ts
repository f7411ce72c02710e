import { EventStoreError, ExpectedRevision, WrongExpectedVersionError, comparePositions } from '@helpdesk/event-store';
import {
  allMark,
  describeContract,
  event,
  events,
  expectStrictlyIncreasing,
  failure,
  ids,
  range,
  readAll,
  readAllSince,
  readStream,
  revisions,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describeContract('append and expected revisions', (ctx, sut) => {
  /** A stream holding `count` events (revisions 0..count-1). */
  async function streamWith(count: number, prefix?: string): Promise<string> {
    const stream = uniqueStream(prefix);
    await ctx.store.append(stream, events(count), 'no_stream');
    return stream;
  }

  async function expectWrongExpectedVersion(
    stream: string,
    expected: ExpectedRevision,
    actual: bigint | 'no_stream',
  ): Promise<void> {
    const error = await failure(() => ctx.store.append(stream, [event('Rejected', {})], expected));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamName: stream, expected, actual });
  }

  describe("'any'", () => {
    it('creates a missing stream at revision 0', async () => {
      const stream = uniqueStream();
      const result = await ctx.store.append(stream, [event('Created', {})], 'any');
      expect(result.nextExpectedRevision).toBe(0n);
      expect(revisions(await readStream(ctx.store, stream))).toEqual([0n]);
    });

    it('appends to an existing stream whatever its revision', async () => {
      const stream = await streamWith(3);
      const result = await ctx.store.append(stream, events(2), 'any');
      expect(result.nextExpectedRevision).toBe(4n);
      expect(revisions(await readStream(ctx.store, stream))).toEqual(range(0, 4));
    });

    it('is the default when no expected revision is given', async () => {
      const stream = uniqueStream();
      expect((await ctx.store.append(stream, events(2))).nextExpectedRevision).toBe(1n);
      expect((await ctx.store.append(stream, events(1))).nextExpectedRevision).toBe(2n);
    });
  });

  describe("'no_stream'", () => {
    it('succeeds on a missing stream', async () => {
      const stream = uniqueStream();
      const result = await ctx.store.append(stream, events(3), 'no_stream');
      expect(result.nextExpectedRevision).toBe(2n);
    });

    it('fails on an existing stream, actual = its last revision', async () => {
      const stream = await streamWith(2);
      await expectWrongExpectedVersion(stream, 'no_stream', 1n);
    });
  });

  describe("'stream_exists'", () => {
    it('succeeds on an existing stream', async () => {
      const stream = await streamWith(1);
      const result = await ctx.store.append(stream, events(1), 'stream_exists');
      expect(result.nextExpectedRevision).toBe(1n);
    });

    it("fails on a missing stream, actual = 'no_stream'", async () => {
      await expectWrongExpectedVersion(uniqueStream(), 'stream_exists', 'no_stream');
    });
  });

  describe('exact revision', () => {
    it("succeeds when it is the stream's last revision, chaining nextExpectedRevision", async () => {
      const stream = uniqueStream();
      let expected: ExpectedRevision = 'no_stream';
      for (let i = 0; i < 4; i++) {
        const result = await ctx.store.append(stream, events(2), expected);
        expect(result.nextExpectedRevision).toBe(BigInt(i * 2 + 1));
        expected = result.nextExpectedRevision;
      }
      expect(revisions(await readStream(ctx.store, stream))).toEqual(range(0, 7));
    });

    it('fails when lower than the last revision', async () => {
      const stream = await streamWith(3);
      await expectWrongExpectedVersion(stream, 1n, 2n);
    });

    it('fails when higher than the last revision', async () => {
      const stream = await streamWith(3);
      await expectWrongExpectedVersion(stream, 5n, 2n);
    });

    it("fails on a missing stream, actual = 'no_stream'", async () => {
      await expectWrongExpectedVersion(uniqueStream(), 0n, 'no_stream');
    });

    it('lets exactly one of several concurrent writers at the same revision win', async () => {
      const stream = await streamWith(1);
      const attempts = await Promise.allSettled(
        Array.from({ length: 5 }, () => ctx.store.append(stream, events(2), 0n)),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(4);
      for (const error of lost) expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(revisions(await readStream(ctx.store, stream))).toEqual(range(0, 2));
    });
  });

  it('writes nothing when the expectation fails (stream and $all)', async () => {
    const prefix = uniquePrefix();
    const existing = await streamWith(2, prefix);
    const missing = uniqueStream(prefix);
    const mark = await allMark(ctx.store);
    const before = await readStream(ctx.store, existing);

    const rejected = [
      { stream: existing, batch: events(3), expected: 'no_stream' as const },
      { stream: existing, batch: events(3), expected: 0n },
      { stream: existing, batch: events(3), expected: 7n },
      { stream: missing, batch: events(3), expected: 'stream_exists' as const },
      { stream: missing, batch: events(3), expected: 0n },
    ];
    for (const { stream, batch, expected } of rejected) {
      expect(await failure(() => ctx.store.append(stream, batch, expected))).toBeInstanceOf(WrongExpectedVersionError);
    }

    expect(await readStream(ctx.store, existing)).toEqual(before);
    await expect(readStream(ctx.store, missing)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
    const rejectedIds = new Set(rejected.flatMap((r) => ids(r.batch)));
    const sinceMark = await readAll(ctx.store, { fromPosition: mark });
    expect(sinceMark.filter((e) => rejectedIds.has(e.id))).toEqual([]);
    expect(await readAllSince(ctx.store, mark, prefix)).toEqual([]);
  });

  describe('atomic multi-event append', () => {
    it('gives consecutive revisions and increasing positions, as the result says', async () => {
      const stream = await streamWith(2);
      const batch = events(5, 'Batched');
      const result = await ctx.store.append(stream, batch, 1n);

      const read = await readStream(ctx.store, stream, { fromRevision: 2n });
      expect(ids(read)).toEqual(ids(batch));
      expect(revisions(read)).toEqual(range(2, 6));
      expectStrictlyIncreasing(read.map((e) => e.position));
      const last = read[read.length - 1];
      expect(result.nextExpectedRevision).toBe(last.revision);
      expect(result.position).toEqual(last.position);
    });

    it('lands in $all contiguously: no other event between the first and the last of a batch', async () => {
      const prefix = uniquePrefix();
      const [a, b] = [uniqueStream(prefix), uniqueStream(prefix)];
      const mark = await allMark(ctx.store);
      const batches = [events(4, 'A'), events(4, 'B'), events(4, 'A'), events(4, 'B')];
      await Promise.all([
        (async () => {
          await ctx.store.append(a, batches[0]);
          await ctx.store.append(a, batches[2]);
        })(),
        (async () => {
          await ctx.store.append(b, batches[1]);
          await ctx.store.append(b, batches[3]);
        })(),
      ]);
      const all = await readAll(ctx.store, { fromPosition: mark });
      for (const batch of batches) {
        const first = all.findIndex((e) => e.id === batch[0].id);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(ids(all.slice(first, first + batch.length))).toEqual(ids(batch));
      }
    });

    it("returns the position $all shows for the batch's last event", async () => {
      const prefix = uniquePrefix();
      const stream = uniqueStream(prefix);
      const mark = await allMark(ctx.store);
      const first = await ctx.store.append(stream, events(3), 'no_stream');
      const second = await ctx.store.append(stream, events(2), first.nextExpectedRevision);
      const mine = await readAllSince(ctx.store, mark, prefix);
      expect(ids(mine)).toHaveLength(5);
      expect(first.position).toEqual(mine[2].position);
      expect(second.position).toEqual(mine[4].position);
      expect(comparePositions(first.position, second.position)).toBeLessThan(0);
    });
  });

  it('reports the adapter as healthy', async () => {
    expect(await ctx.store.health()).toMatchObject({ adapter: sut.adapter, healthy: true });
  });
});
