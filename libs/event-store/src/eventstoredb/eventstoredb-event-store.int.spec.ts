import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import {
  AllSubscription,
  EventMetadata,
  EventStore,
  EventToAppend,
  Position,
  RecordedEvent,
  StoreUnavailableError,
  StreamDeletedError,
  StreamNotFoundError,
  SubscriptionMessage,
  WrongExpectedVersionError,
  comparePositions,
} from '../port/index.js';
import { collect, failure } from '../../../../test/support/async-results.js';
import { connectEventStoreDB } from './index.js';

/**
 * Smoke test of the EventStoreDB adapter against the in-process gRPC server (test/esdb-server):
 * the happy paths, the error mapping and the subscription's reconnects. The exhaustive,
 * adapter-independent behaviour lives in the contract suite (test/contract).
 */

interface InProcessServer {
  readonly connectionString: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

let server: InProcessServer;
let store: EventStore;

beforeAll(async () => {
  const { startInProcessEventStoreDB } = await import('../../../../test/esdb-server/index.js');
  server = await startInProcessEventStoreDB();
  store = connectEventStoreDB(server.connectionString, { subscriptionReconnect: { maxAttempts: 50, delayMs: 100 } });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await server?.shutdown();
}, 60_000);

const newStream = (label = 'smoke'): string => `${label}-${randomUUID().slice(0, 8)}`;

function newEvents(count: number, type = 'Thing', metadata?: EventMetadata): EventToAppend[] {
  return Array.from({ length: count }, (_, n) => ({
    id: randomUUID(),
    type,
    data: { n },
    ...(metadata ? { metadata } : {}),
  }));
}

const idsOf = (events: readonly { id: string }[]): string[] => events.map((e) => e.id);

/** The position of the newest event in `$all`: subscriptions from it see only what comes next. */
async function lastPosition(): Promise<Position | 'start'> {
  const [last] = await collect(store.readAll({ direction: 'backwards', maxCount: 1 }));
  return last?.position ?? 'start';
}

/** One iterator per subscription, so it can be pulled from several times. */
const iterators = new WeakMap<AllSubscription, AsyncIterator<SubscriptionMessage>>();
async function nextMessage(subscription: AllSubscription): Promise<SubscriptionMessage | undefined> {
  let iterator = iterators.get(subscription);
  if (!iterator) {
    iterator = subscription[Symbol.asyncIterator]();
    iterators.set(subscription, iterator);
  }
  const result = await iterator.next();
  return result.done ? undefined : result.value;
}

async function messagesUntil(
  subscription: AllSubscription,
  stop: (m: SubscriptionMessage) => boolean,
): Promise<SubscriptionMessage[]> {
  const seen: SubscriptionMessage[] = [];
  for (;;) {
    const message = await nextMessage(subscription);
    if (message === undefined) throw new Error(`subscription ended after ${seen.length} messages`);
    seen.push(message);
    if (stop(message)) return seen;
  }
}

async function eventsOn(subscription: AllSubscription, streamName: string, count: number): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  await messagesUntil(subscription, (m) => {
    if (m.kind === 'event' && m.event.streamName === streamName) found.push(m.event);
    return found.length === count;
  });
  return found;
}

/** Retries while the server is coming back: the first calls after a restart may still fail. */
async function appendWhenBack(streamName: string, events: EventToAppend[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.append(streamName, events);
      return;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('EventStoreDB adapter (in-process server)', () => {
  it('appends and reads back events, revisions, positions and metadata', async () => {
    const stream = newStream();
    const metadata = { correlationId: randomUUID(), causationId: randomUUID(), tenantId: 't-1' };
    const written = newEvents(3, 'Opened', metadata);

    const result = await store.append(stream, written, 'no_stream');
    expect(result.nextExpectedRevision).toBe(2n);
    expect(typeof result.position.commit).toBe('bigint');

    const read = await collect(store.readStream(stream));
    expect(idsOf(read)).toEqual(idsOf(written));
    expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect(read.map((e) => e.metadata)).toEqual([metadata, metadata, metadata]);
    expect(read[2].position).toEqual(result.position);
    expect(read[0].data).toEqual({ n: 0 });

    const backwards = await collect(store.readStream(stream, { direction: 'backwards', maxCount: 2 }));
    expect(backwards.map((e) => e.revision)).toEqual([2n, 1n]);
  });

  it('writes correlation and causation ids under EventStoreDB’s conventional $-names', async () => {
    const stream = newStream();
    const correlationId = randomUUID();
    await store.append(stream, newEvents(1, 'Opened', { correlationId, causationId: 'cause', actorId: 'a' }));

    const raw = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const [resolved] = await collect(raw.readStream(stream));
      expect(resolved.event?.metadata).toEqual({ $correlationId: correlationId, $causationId: 'cause', actorId: 'a' });
    } finally {
      await raw.dispose();
    }
  });

  it('maps failed expectations to WrongExpectedVersionError with the actual revision', async () => {
    const stream = newStream();
    await store.append(stream, newEvents(3), 'no_stream');

    expect(await failure(() => store.append(stream, newEvents(1), 'no_stream'))).toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      expected: 'no_stream',
      actual: 2n,
    });
    expect(await failure(() => store.append(stream, newEvents(1), 7n))).toMatchObject({ expected: 7n, actual: 2n });
    const missing = newStream();
    expect(await failure(() => store.append(missing, newEvents(1), 'stream_exists'))).toMatchObject({
      constructor: WrongExpectedVersionError,
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    expect(await failure(() => store.deleteStream(stream, 0n))).toMatchObject({
      constructor: WrongExpectedVersionError,
      expected: 0n,
      actual: 2n,
    });
  });

  it('answers an idempotent retry with the original revision and position', async () => {
    const stream = newStream();
    const batch = newEvents(2);
    const first = await store.append(stream, batch, 'no_stream');
    await store.append(stream, newEvents(1), first.nextExpectedRevision);
    const retry = await store.append(stream, batch, 'no_stream');
    expect(retry).toEqual(first);
  });

  it('reports missing, soft-deleted and tombstoned streams as the port says', async () => {
    expect(await failure(() => collect(store.readStream(newStream())))).toBeInstanceOf(StreamNotFoundError);

    const stream = newStream();
    await store.append(stream, newEvents(2), 'no_stream');
    expect(await store.deleteStream(stream, 'stream_exists')).toBeDefined();
    expect(await failure(() => collect(store.readStream(stream)))).toMatchObject({
      constructor: StreamNotFoundError,
      streamName: stream,
    });
    expect(await failure(() => store.deleteStream(stream, 'stream_exists'))).toMatchObject({
      constructor: WrongExpectedVersionError,
      actual: 'no_stream',
    });
    expect((await store.append(stream, newEvents(1), 'no_stream')).nextExpectedRevision).toBe(2n);

    await store.tombstoneStream(stream, 'stream_exists');
    expect(await failure(() => collect(store.readStream(stream)))).toMatchObject({
      constructor: StreamDeletedError,
      streamName: stream,
    });
    expect(await failure(() => store.append(stream, newEvents(1)))).toBeInstanceOf(StreamDeletedError);
  });

  it('reads $all without system events, maxCount counting only what it yields', async () => {
    const [a, b] = [newStream(), newStream()];
    await store.append(a, newEvents(1, 'A'));
    await store.setStreamMetadata(a, { custom: { note: 'writes a $metadata event between A and B' } });
    await store.append(b, newEvents(1, 'B'));

    const newestTwo = await collect(store.readAll({ direction: 'backwards', maxCount: 2 }));
    expect(newestTwo.map((e) => e.streamName)).toEqual([b, a]);
    const forwards = await collect(store.readAll({ fromPosition: newestTwo[1].position, maxCount: 2 }));
    expect(forwards.map((e) => e.streamName)).toEqual([a, b]);
  });

  it('round-trips stream metadata and its metastream revision; null when there is none', async () => {
    const stream = newStream();
    expect(await store.getStreamMetadata(stream)).toBeNull();
    await store.append(stream, newEvents(5));
    const first = await store.setStreamMetadata(stream, { maxCount: 2, custom: { owner: 'team-a' } }, 'no_stream');
    expect(first.nextExpectedRevision).toBe(0n);
    await store.setStreamMetadata(stream, { truncateBefore: 1n, maxAge: 3600, custom: { owner: 'team-b' } }, 0n);
    expect(await store.getStreamMetadata(stream)).toEqual({
      metadata: { truncateBefore: 1n, maxAge: 3600, custom: { owner: 'team-b' } },
      metastreamRevision: 1n,
    });
    expect((await collect(store.readStream(stream))).map((e) => e.revision)).toEqual([1n, 2n, 3n, 4n]);
  });

  it('subscribes: catches up, says caughtUp, then delivers live events', async () => {
    const stream = newStream();
    const mark = await lastPosition();
    const history = newEvents(3, 'History');
    await store.append(stream, history);

    const subscription = store.subscribeToAll({ fromPosition: mark });
    try {
      const untilCaughtUp = await messagesUntil(subscription, (m) => m.kind === 'caughtUp');
      const caughtUpHistory = untilCaughtUp.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
      expect(idsOf(caughtUpHistory.filter((e) => e.streamName === stream))).toEqual(idsOf(history));
      expect(untilCaughtUp.filter((m) => m.kind === 'checkpoint')).toEqual([]);

      const live = newEvents(2, 'Live');
      await store.append(stream, live);
      expect(idsOf(await eventsOn(subscription, stream, 2))).toEqual(idsOf(live));
    } finally {
      await subscription.close();
    }
    expect(await nextMessage(subscription)).toBeUndefined();
  });

  it('filters server-side and hands over increasing checkpoints', async () => {
    const prefix = `f${randomUUID().slice(0, 8)}`;
    const mark = await lastPosition();
    const [match] = newEvents(1, 'Match');
    await store.append(`${prefix}-noise`, newEvents(50, 'Noise'));
    await store.append(`${prefix}-match`, [match]);

    const subscription = store.subscribeToAll({
      fromPosition: mark,
      filter: { on: 'streamName', prefixes: [`${prefix}-match`], checkpointEvery: 10 },
    });
    try {
      const messages = await messagesUntil(subscription, (m) => m.kind === 'event');
      const checkpoints = messages.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));
      expect(checkpoints.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < checkpoints.length; i++)
        expect(comparePositions(checkpoints[i - 1], checkpoints[i])).toBeLessThan(0);
      const delivered = messages[messages.length - 1];
      expect(delivered.kind === 'event' && delivered.event.id).toBe(match.id);
    } finally {
      await subscription.close();
    }
  });

  it('resubscribes after the server restarts, delivering every event exactly once', async () => {
    const stream = newStream();
    const mark = await lastPosition();
    const before = newEvents(3, 'BeforeRestart');
    await store.append(stream, before);
    const subscription = store.subscribeToAll({ fromPosition: mark });
    try {
      expect(idsOf(await eventsOn(subscription, stream, 3))).toEqual(idsOf(before));
      await messagesUntil(subscription, (m) => m.kind === 'caughtUp');

      await server.stop();
      expect(await failure(() => store.append(stream, newEvents(1)))).toBeInstanceOf(StoreUnavailableError);
      expect(await store.health()).toMatchObject({ adapter: 'eventstoredb', healthy: false });
      // The subscription's next pull waits through the reconnects rather than failing.
      const pending = eventsOn(subscription, stream, 2);
      await server.start();

      const after = newEvents(2, 'AfterRestart');
      await appendWhenBack(stream, after);
      expect(idsOf(await pending)).toEqual(idsOf(after));

      const [sentinel] = newEvents(1, 'Sentinel');
      await store.append(stream, [sentinel]);
      expect(idsOf(await eventsOn(subscription, stream, 1))).toEqual([sentinel.id]);
      expect(await store.health()).toMatchObject({ healthy: true });
    } finally {
      await subscription.close();
    }
  });

  it('gives up with StoreUnavailableError once the reconnect attempts are spent', async () => {
    const subscription = store.subscribeToAll({ fromPosition: 'end', reconnect: { maxAttempts: 2, delayMs: 50 } });
    try {
      await messagesUntil(subscription, (m) => m.kind === 'caughtUp');
      await server.stop();
      expect(await failure(() => nextMessage(subscription))).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await server.start();
      await subscription.close();
    }
  });

  it('reports health', async () => {
    expect(await store.health()).toMatchObject({ adapter: 'eventstoredb', healthy: true });
  });
});
