import { EventToAppend, InvalidEventError, StreamNotFoundError } from '@helpdesk/event-store';
import {
  allMark,
  describeContract,
  event,
  events,
  failure,
  ids,
  readAll,
  readStream,
  uniqueStream,
} from './support.js';

type BadAppend = (stream: string) => { streamName: string; batch: EventToAppend[] };

const invalid: [string, BadAppend][] = [
  ['a non-UUID id', (s) => ({ streamName: s, batch: [event('Ok', {}), { ...event('Bad', {}), id: 'not-a-uuid' }] })],
  [
    'a UUID with trailing junk',
    (s) => ({ streamName: s, batch: [{ ...event('Bad', {}), id: `${event('x', {}).id}x` }] }),
  ],
  [
    'the same id twice in one append',
    (s) => {
      const [a, b] = events(2);
      return { streamName: s, batch: [a, b, { ...event('Again', {}), id: a.id.toUpperCase() }] };
    },
  ],
  ['an empty type', (s) => ({ streamName: s, batch: [event('Ok', {}), event('', {})] })],
  ["a '$' type", (s) => ({ streamName: s, batch: [event('$metadata', {})] })],
  ['undefined data', (s) => ({ streamName: s, batch: [event('Ok', {}), event('NoData', undefined)] })],
  ["a '$' stream", (s) => ({ streamName: `$${s}`, batch: [event('Ok', {})] })],
  ["a '$$' metastream", (s) => ({ streamName: `$$${s}`, batch: [event('Ok', {})] })],
  ['an empty stream name', () => ({ streamName: '', batch: [event('Ok', {})] })],
];

describeContract('validation of appended events', (ctx) => {
  it.each(invalid)('refuses %s with InvalidEventError and writes nothing', async (_, bad) => {
    const mark = await allMark(ctx.store);
    const stream = uniqueStream();
    const { streamName, batch } = bad(stream);

    const error = await failure(() => ctx.store.append(streamName, batch, 'any'));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ code: 'INVALID_EVENT' });

    expect(await failure(() => readStream(ctx.store, stream))).toBeInstanceOf(StreamNotFoundError);
    const batchIds = new Set(ids(batch));
    const sinceMark = await readAll(ctx.store, { fromPosition: mark });
    expect(
      sinceMark.filter((e) => batchIds.has(e.id) || e.streamName === stream || e.streamName === streamName),
    ).toEqual([]);
  });

  it('an invalid event in a batch for an existing stream leaves the stream untouched', async () => {
    const stream = uniqueStream();
    const written = events(2);
    await ctx.store.append(stream, written, 'no_stream');
    const error = await failure(() =>
      ctx.store.append(stream, [event('Ok', {}), { ...event('Bad', {}), id: '42' }], 1n),
    );
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(ids(await readStream(ctx.store, stream))).toEqual(ids(written));
    expect((await ctx.store.append(stream, events(1), 1n)).nextExpectedRevision).toBe(2n);
  });

  it('validation comes before the expected-revision check', async () => {
    const stream = uniqueStream();
    await ctx.store.append(stream, events(1));
    // wrong expected revision *and* an invalid event: the event is what is reported
    const error = await failure(() => ctx.store.append(stream, [event('', {})], 7n));
    expect(error).toBeInstanceOf(InvalidEventError);
  });
});
