import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  binaryEvent,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventData,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import { collect, failure } from '../support/async-results.js';
import { startInProcessEventStoreDB, type InProcessEventStoreDB, type RpcName } from './index.js';
import { ResponseWriter } from './response-writer.js';

/*
 * The in-process server, driven by the real @eventstore/db-client over a real TCP port.
 * Most tests share one server and use unique stream names; tests that need to know all of
 * `$all` (checkpoints) or that stop the server start their own.
 */

const uniqueStream = (label = 'stream'): string => `${label}-${randomUUID().slice(0, 8)}`;
const events = (count: number, type = 'Happened') =>
  Array.from({ length: count }, (_, n) => jsonEvent({ type, data: { n } }));

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Seen =
  | { kind: 'event'; streamId: string; type: string; revision: bigint; position: bigint }
  | { kind: 'caughtUp' }
  | { kind: 'checkpoint'; position: bigint; prepare: bigint };

/** Records what a subscription delivers, in order, caught-up and checkpoints included. */
function record(
  subscription: AllStreamSubscription | StreamSubscription,
  seen: Seen[] = [],
): { seen: Seen[]; errors: unknown[] } {
  const errors: unknown[] = [];
  subscription.on('data', ({ event }: ResolvedEvent | AllStreamResolvedEvent) => {
    if (!event) return;
    const { streamId, type, revision } = event;
    seen.push({ kind: 'event', streamId, type, revision, position: event.position?.commit ?? -1n });
  });
  subscription.on('caughtUp', () => seen.push({ kind: 'caughtUp' }));
  subscription.on('error', (error) => errors.push(error));
  return { seen, errors };
}

const eventsOf = (seen: Seen[]) => seen.flatMap((item) => (item.kind === 'event' ? [item] : []));

describe('in-process EventStoreDB gRPC server', () => {
  let server: InProcessEventStoreDB;
  let client: EventStoreDBClient;
  const calls: RpcName[] = [];

  beforeAll(async () => {
    server = await startInProcessEventStoreDB({ onCall: (method) => calls.push(method) });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client.dispose();
    await server.shutdown();
  });

  it('listens on 127.0.0.1 with an insecure esdb:// connection string', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.connectionString).toBe(`esdb://127.0.0.1:${server.port}?tls=false`);
  });

  describe.each([
    { path: 'BatchAppend', advertiseBatchAppend: true },
    { path: 'Append', advertiseBatchAppend: false },
  ])('appending through $path', ({ path, advertiseBatchAppend }) => {
    let appendServer: InProcessEventStoreDB;
    let appender: EventStoreDBClient;
    const appendCalls: RpcName[] = [];

    beforeAll(async () => {
      appendServer = await startInProcessEventStoreDB({
        advertiseBatchAppend,
        maxAppendSize: 4096,
        onCall: (method) => appendCalls.push(method),
      });
      appender = EventStoreDBClient.connectionString(appendServer.connectionString);
    });

    afterAll(async () => {
      await appender.dispose();
      await appendServer.shutdown();
    });

    const append = (stream: string, toAppend: EventData[], expectedRevision: AppendExpectedRevision = 'any') =>
      appender.appendToStream(stream, toAppend, { expectedRevision });
    const revisionsOf = async (stream: string) =>
      (await collect(appender.readStream(stream))).map(({ event }) => event?.revision);

    it(`uses ${path}, as the server features tell the client`, async () => {
      await append(uniqueStream(), events(1));
      expect(appendCalls[0]).toBe('GetSupportedMethods');
      expect(appendCalls).toContain(path);
      expect(appendCalls).not.toContain(path === 'Append' ? 'BatchAppend' : 'Append');
    });

    it('appends to a new stream and reports the last revision and its $all position', async () => {
      const stream = uniqueStream();
      const result = await append(stream, events(3), NO_STREAM);
      expect(result.success).toBe(true);
      expect(result.nextExpectedRevision).toBe(2n);
      expect(result.position?.commit).toBe(result.position?.prepare);
      const read = await collect(appender.readStream(stream));
      expect(read.map(({ event }) => event?.revision)).toEqual([0n, 1n, 2n]);
      expect(read[2].event?.position).toEqual(result.position);

      const next = await append(stream, events(1), 2n);
      expect(next.nextExpectedRevision).toBe(3n);
      expect(next.position!.commit).toBeGreaterThan(result.position!.commit);
    });

    it('refuses a wrong exact revision with current and expected revisions', async () => {
      const stream = uniqueStream();
      await append(stream, events(2));
      const error = await failure(() => append(stream, events(1), 5n));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 5n, actualVersion: 1n });
      expect(await revisionsOf(stream)).toEqual([0n, 1n]);
    });

    it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
      const stream = uniqueStream();
      await append(stream, events(2));
      expect(await failure(() => append(stream, events(1), NO_STREAM))).toMatchObject({
        expectedVersion: 'no_stream',
        actualVersion: 1n,
      });
      const missing = uniqueStream();
      const error = await failure(() => append(missing, events(1), STREAM_EXISTS));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({
        streamName: missing,
        expectedVersion: 'stream_exists',
        actualVersion: 'no_stream',
      });
    });

    it('treats re-appending the same event ids at the same expected revision as done', async () => {
      const stream = uniqueStream();
      const batch = events(3);
      const first = await append(stream, batch, NO_STREAM);
      const again = await append(stream, batch, NO_STREAM);
      expect(again).toEqual(first);

      const more = events(2);
      const second = await append(stream, more, 2n);
      expect(await append(stream, more, 2n)).toEqual(second);
      expect(await revisionsOf(stream)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it("treats re-appending the stream's last events with expected 'any' as done", async () => {
      const stream = uniqueStream();
      await append(stream, events(1));
      const last = events(2);
      const first = await append(stream, last);
      expect(await append(stream, last)).toEqual(first);
      expect(await revisionsOf(stream)).toEqual([0n, 1n, 2n]);
    });

    it('refuses a batch that only partly repeats earlier events', async () => {
      const stream = uniqueStream();
      const batch = events(2);
      await append(stream, batch, NO_STREAM);
      const error = await failure(() => append(stream, [batch[0], ...events(1)], NO_STREAM));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
    });

    it('refuses appends to a tombstoned stream', async () => {
      const stream = uniqueStream();
      await append(stream, events(1));
      await appender.tombstoneStream(stream);
      const error = await failure(() => append(stream, events(1)));
      expect(error).toBeInstanceOf(StreamDeletedError);
      expect(error).toMatchObject({ streamName: stream });
    });

    it('refuses an append larger than the maximum append size', async () => {
      const big = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(5000) } });
      expect(await failure(() => append(uniqueStream(), [big]))).toBeInstanceOf(MaxAppendSizeExceededError);
    });
  });

  describe('reading a stream', () => {
    it('reads forwards and backwards, from a revision, with a max count', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(5));
      const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
        (await collect(client.readStream(stream, options))).map(({ event }) => event?.revision);

      expect(await revisions({})).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(await revisions({ fromRevision: 2n, maxCount: 2 })).toEqual([2n, 3n]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: END })).toEqual([4n, 3n, 2n, 1n, 0n]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: 2n })).toEqual([2n, 1n, 0n]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: END, maxCount: 1 })).toEqual([4n]);
      expect(await revisions({ fromRevision: END })).toEqual([]);
    });

    it('returns every field of an event as written', async () => {
      const stream = uniqueStream();
      const before = Date.now();
      const json = jsonEvent({ type: 'Json', data: { hello: 'world' }, metadata: { causationId: 'c-1' } });
      const bytes = binaryEvent({ type: 'Bytes', data: Uint8Array.from([1, 2, 3]), metadata: Uint8Array.from([9]) });
      await client.appendToStream(stream, [json, bytes]);
      const [first, second] = (await collect(client.readStream(stream))).map(({ event }) => event!);

      expect(first).toMatchObject({
        streamId: stream,
        id: json.id,
        type: 'Json',
        isJson: true,
        data: { hello: 'world' },
        metadata: { causationId: 'c-1' },
      });
      expect(second).toMatchObject({ id: bytes.id, type: 'Bytes', isJson: false });
      expect(Array.from(second.data as Uint8Array)).toEqual([1, 2, 3]);
      expect(Array.from(second.metadata as Uint8Array)).toEqual([9]);
      expect(first.created.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(first.created.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('reports a missing stream as StreamNotFoundError', async () => {
      const stream = uniqueStream();
      const error = await failure(() => collect(client.readStream(stream)));
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error).toMatchObject({ streamName: stream });
    });
  });

  describe('reading $all', () => {
    it('holds every event in commit order, system events included', async () => {
      const stream = uniqueStream();
      const [last] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
      await client.appendToStream(stream, events(2));
      await client.setStreamMetadata(stream, { maxCount: 10 });
      await client.tombstoneStream(stream);

      const mine = (await collect(client.readAll({ fromPosition: last.event!.position! }))).slice(1);
      expect(mine.map(({ event }) => [event?.streamId, event?.type])).toEqual([
        [stream, 'Happened'],
        [stream, 'Happened'],
        [`$$${stream}`, '$metadata'],
        [stream, '$streamDeleted'],
      ]);
      expect(mine[3].event?.revision).toBe(9223372036854775807n);
      const positions = mine.map(({ event }) => event!.position!.commit);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    });

    it('starts at the given position forwards and strictly before it backwards, as the real server', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(4));
      const mine = (await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 4 }))).reverse();
      const third = mine[2].event!.position!;

      const forwards = await collect(client.readAll({ fromPosition: third, maxCount: 2 }));
      expect(forwards.map(({ event }) => event?.revision)).toEqual([2n, 3n]);
      const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: third, maxCount: 2 }));
      expect(backwards.map(({ event }) => event?.revision)).toEqual([1n, 0n]);
      expect(await collect(client.readAll({ fromPosition: END }))).toEqual([]);
    });
  });

  describe('subscriptions', () => {
    it('catches up from an exclusive position, says caught up, then goes live without gap or duplicate', async () => {
      const stream = uniqueStream();
      const first = await client.appendToStream(stream, events(3));
      const [, second] = (await collect(client.readStream(stream))).map(({ event }) => event!.position!);

      const subscription = client.subscribeToAll({
        fromPosition: second,
        filter: streamNameFilter({ prefixes: [stream] }),
      });
      const { seen } = record(subscription);
      // Appends racing with the catch-up and the switch to live.
      await Promise.all([client.appendToStream(stream, events(2)), client.appendToStream(stream, events(2))]);
      await eventually(() => eventsOf(seen).length === 5 && seen.some((item) => item.kind === 'caughtUp'));
      await client.appendToStream(stream, events(1));
      await eventually(() => eventsOf(seen).length === 6);
      await subscription.unsubscribe();

      expect(seen[0]).toEqual(
        expect.objectContaining({ kind: 'event', revision: 2n, position: first.position!.commit }),
      );
      expect(eventsOf(seen).map((item) => item.revision)).toEqual([2n, 3n, 4n, 5n, 6n, 7n]);
      expect(seen.filter((item) => item.kind === 'caughtUp')).toHaveLength(1);
      expect(seen.at(-1)).toEqual(expect.objectContaining({ kind: 'event', revision: 7n }));
    });

    it('subscribes to a stream from a revision (exclusive) and follows it live', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(3));
      const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
      const { seen } = record(subscription);
      await eventually(() => seen.some((item) => item.kind === 'caughtUp'));
      await client.appendToStream(uniqueStream(), events(1));
      await client.appendToStream(stream, events(1));
      await eventually(() => eventsOf(seen).length === 3);
      await subscription.unsubscribe();
      expect(seen.map((item) => (item.kind === 'event' ? item.revision : item.kind))).toEqual([1n, 2n, 'caughtUp', 3n]);
    });

    it('subscribes to a stream that does not exist yet, and ends with stream-deleted on a tombstone', async () => {
      const stream = uniqueStream();
      const subscription = client.subscribeToStream(stream, { fromRevision: END });
      const { seen, errors } = record(subscription);
      await eventually(() => seen.length === 1);
      await client.appendToStream(stream, events(1));
      await client.tombstoneStream(stream);
      await eventually(() => errors.length === 1);
      expect(seen.map((item) => (item.kind === 'event' ? item.revision : item.kind))).toEqual(['caughtUp', 0n]);
      expect(errors[0]).toBeInstanceOf(StreamDeletedError);
    });

    it('sends checkpoints every window × multiplier scanned records while filtering', async () => {
      const own = await startInProcessEventStoreDB();
      const ownClient = EventStoreDBClient.connectionString(own.connectionString);
      try {
        await ownClient.appendToStream('noise', events(20, 'Skip'));
        await ownClient.appendToStream('signal', events(1, 'Keep'));
        const all = (await collect(ownClient.readAll())).map(({ event }) => event!.position!.commit);

        const seen: Seen[] = [];
        const subscription = ownClient.subscribeToAll({
          fromPosition: START,
          filter: eventTypeFilter({
            prefixes: ['Keep'],
            maxSearchWindow: 2,
            checkpointInterval: 3,
            checkpointReached: (_subscription, position: Position) => {
              seen.push({ kind: 'checkpoint', position: position.commit, prepare: position.prepare });
            },
          }),
        });
        record(subscription, seen);
        await eventually(() => seen.some((item) => item.kind === 'caughtUp'));
        await ownClient.appendToStream('noise', events(6, 'Skip'));
        await eventually(() => seen.filter((item) => item.kind === 'checkpoint').length === 5);
        await subscription.unsubscribe();

        const timeline = seen.map((item) =>
          item.kind === 'event' ? item.type : item.kind === 'checkpoint' ? [item.position, item.prepare] : item.kind,
        );
        // Catch-up reads pages of 2 records; a checkpoint every 2 × 3 considered records (after
        // pages 3, 6, 9), at the start of the last page that sent nothing, with prepare 0 as the
        // real server's (X, 0). Then one at the last event on reaching the end, and live every
        // 6 scanned records at the scanned record (the counter carries over from catch-up).
        expect(timeline).toEqual([
          [all[4], 0n],
          [all[10], 0n],
          [all[16], 0n],
          'Keep',
          [all[20], all[20]],
          'caughtUp',
          [all[20] + 3n * (all[1] - all[0]), all[20] + 3n * (all[1] - all[0])],
        ]);
      } finally {
        await ownClient.dispose();
        await own.shutdown();
      }
    });
    it('holds a subscription back while its reader does not read (gRPC flow control)', async () => {
      const own = await startInProcessEventStoreDB();
      const ownClient = EventStoreDBClient.connectionString(own.connectionString);
      const writes = jest.spyOn(ResponseWriter.prototype, 'write');
      try {
        const payload = 'x'.repeat(2000);
        for (let batch = 0; batch < 20; batch++) {
          const batch = Array.from({ length: 100 }, () => jsonEvent({ type: 'Big', data: { payload } }));
          await ownClient.appendToStream('big', batch);
        }
        const subscription = ownClient.subscribeToAll();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const sentWhileNotReading = writes.mock.calls.length;
        // A few hundred kilobytes in flight at most, not the 4 MB backlog.
        expect(sentWhileNotReading).toBeLessThan(500);

        let received = 0;
        subscription.on('data', () => received++);
        await eventually(() => received === 2000);
        await subscription.unsubscribe();
      } finally {
        writes.mockRestore();
        await ownClient.dispose();
        await own.shutdown();
      }
    });
  });

  describe('deleting', () => {
    it('soft-deletes: reads say not found, appending re-creates the stream after the old revisions', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(3));
      const deleted = await client.deleteStream(stream, { expectedRevision: 2n });
      expect(deleted.position?.commit).toBeGreaterThan(0n);
      expect(await failure(() => collect(client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);

      const recreated = await client.appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
      expect(recreated.nextExpectedRevision).toBe(4n);
      expect((await collect(client.readStream(stream))).map(({ event }) => event?.revision)).toEqual([3n, 4n]);
      expect((await client.getStreamMetadata(stream)).metadata).toEqual({ truncateBefore: 3 });
    });

    it('refuses a delete with a wrong expected revision, as a real server words it', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(2));
      const error = await failure(() => client.deleteStream(stream, { expectedRevision: 0n }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 0n, actualVersion: 1n });
      // A stream that never existed: expected "any" is -2, "no stream" is reported as -1.
      expect(await failure(() => client.deleteStream(uniqueStream()))).toMatchObject({
        expectedVersion: -2n,
        actualVersion: -1n,
      });
    });

    it('tombstones: every later read, append or delete fails with stream-deleted', async () => {
      const stream = uniqueStream();
      await client.appendToStream(stream, events(1));
      await client.tombstoneStream(stream);
      for (const attempt of [
        () => collect(client.readStream(stream)),
        () => client.appendToStream(stream, events(1)),
        () => client.deleteStream(stream),
        () => client.tombstoneStream(stream),
        () => client.getStreamMetadata(stream),
      ]) {
        const error = await failure(attempt);
        expect(error).toBeInstanceOf(StreamDeletedError);
        expect(error).toMatchObject({ streamName: expect.stringContaining(stream) });
      }
    });
  });

  describe('stream metadata', () => {
    it('round-trips through the $$ metastream and limits reads', async () => {
      const stream = uniqueStream();
      expect(await client.getStreamMetadata(stream)).toEqual({ streamName: stream });
      await client.appendToStream(stream, events(5));
      await client.setStreamMetadata(stream, { maxCount: 2, owner: 'team-a' });
      expect((await client.getStreamMetadata(stream)).metadata).toEqual({ maxCount: 2, owner: 'team-a' });
      expect((await collect(client.readStream(stream))).map(({ event }) => event?.revision)).toEqual([3n, 4n]);

      await client.setStreamMetadata(stream, { truncateBefore: 1 });
      expect((await collect(client.readStream(stream))).map(({ event }) => event?.revision)).toEqual([1n, 2n, 3n, 4n]);
      expect((await collect(client.readStream(`$$${stream}`))).map(({ event }) => event?.type)).toEqual(['$metadata']);
    });
  });

  describe('stop and start', () => {
    it('drops open calls on stop, then serves the same data on the same port', async () => {
      const own = await startInProcessEventStoreDB();
      const port = own.port;
      const ownClient = EventStoreDBClient.connectionString(own.connectionString);
      try {
        const stream = uniqueStream();
        await ownClient.appendToStream(stream, events(2));
        const subscription = ownClient.subscribeToAll();
        const { seen, errors } = record(subscription);
        await eventually(() => seen.some((item) => item.kind === 'caughtUp'));

        await own.stop();
        await eventually(() => errors.length > 0);
        expect(errors[0]).toBeInstanceOf(UnavailableError);
        // While the port is closed the client fails in its ServerFeatures call, whose raw gRPC
        // error (not an UnavailableError) it passes on as is: only the code is reliable.
        const whileStopped = await failure(() => ownClient.appendToStream(stream, events(1)));
        expect(whileStopped).toMatchObject({ code: status.UNAVAILABLE });

        await own.start();
        expect(own.port).toBe(port);
        await ownClient.appendToStream(stream, events(1), { expectedRevision: 1n });
        const fresh = EventStoreDBClient.connectionString(own.connectionString);
        expect((await collect(fresh.readStream(stream))).map(({ event }) => event?.revision)).toEqual([0n, 1n, 2n]);
        await fresh.dispose();
      } finally {
        await ownClient.dispose();
        await own.shutdown();
      }
      await expect(own.start()).rejects.toThrow(/shut down/);
    });
  });

  it('was only asked for RPCs it implements, BatchAppend rather than Append by default', () => {
    expect(new Set(calls)).toEqual(new Set(['GetSupportedMethods', 'BatchAppend', 'Read', 'Delete', 'Tombstone']));
  });
});
