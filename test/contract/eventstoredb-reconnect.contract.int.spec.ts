/**
 * EventStoreDB only (the in-process gRPC server): the connection drops (`stop()`), the server
 * comes back (`start()`), and `$all` subscriptions resubscribe from their last event or
 * checkpoint with no gap and no duplicate.
 */
import {
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  StoreUnavailableError,
  SubscriptionMessage,
} from '@helpdesk/event-store';
import { connectEventStoreDB } from '../../libs/event-store/src/eventstoredb/index.js';
import { type InProcessEventStoreDB, startInProcessEventStoreDB } from '../esdb-server/index.js';
import {
  SLOW,
  allMark,
  belongsTo,
  events,
  eventsOf,
  expectConsistentCheckpoints,
  expectStrictlyIncreasing,
  failure,
  ids,
  isCaughtUp,
  nextMessage,
  readAllSince,
  readStream,
  take,
  takeUntil,
  uniquePrefix,
  uniqueStream,
} from './support.js';

describe('eventstoredb (in-process gRPC): reconnecting after the server restarts', () => {
  let server: InProcessEventStoreDB;
  let store: EventStore;
  let serverDown = false;

  beforeAll(async () => {
    server = await startInProcessEventStoreDB();
  });
  afterAll(() => server.shutdown());
  beforeEach(() => {
    store = connectEventStoreDB(server.connectionString, { subscriptionReconnect: { maxAttempts: 100, delayMs: 50 } });
  });
  afterEach(async () => {
    if (serverDown) await restart();
    await store.close();
  });

  async function stop(): Promise<void> {
    serverDown = true;
    await server.stop();
  }

  async function restart(): Promise<void> {
    await server.start();
    serverDown = false;
  }

  /**
   * Appends, retrying while the client reconnects. The exact expected revision and the same
   * event ids make a retry of an append that did land idempotent.
   */
  async function appendRetrying(stream: string, batch: EventToAppend[], expected: ExpectedRevision): Promise<bigint> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await store.append(stream, batch, expected)).nextExpectedRevision;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it(
    'a subscription resumes from its last event: no gap, no duplicate',
    async () => {
      const prefix = uniquePrefix();
      const mine = belongsTo(prefix);
      const stream = uniqueStream(prefix);
      const mark = await allMark(store);
      let revision: ExpectedRevision = 'no_stream';
      for (let i = 0; i < 10; i++) revision = await appendRetrying(stream, events(20, 'BeforeDrop'), revision);

      const subscription = store.subscribeToAll({ fromPosition: mark, reconnect: { maxAttempts: 100, delayMs: 50 } });
      try {
        const seen = await take(subscription, 100, mine);
        await stop();
        await restart();
        for (let i = 0; i < 5; i++) revision = await appendRetrying(stream, events(20, 'AfterRestart'), revision);
        seen.push(...(await take(subscription, 200, mine)));

        const stored = await readAllSince(store, mark, prefix);
        expect(stored).toHaveLength(300);
        expect(ids(seen)).toEqual(ids(stored));
        expectStrictlyIncreasing(seen.map((e) => e.position));
        const sentinel = events(1, 'Sentinel');
        await appendRetrying(stream, sentinel, revision);
        expect(ids(await take(subscription, 1, mine))).toEqual(ids(sentinel));
      } finally {
        await subscription.close();
      }
    },
    SLOW,
  );

  it(
    'a live subscription that dropped while idle gets exactly the events appended after the restart',
    async () => {
      const prefix = uniquePrefix();
      const mine = belongsTo(prefix);
      const stream = uniqueStream(prefix);
      await appendRetrying(stream, events(3), 'no_stream');
      const subscription = store.subscribeToAll({ fromPosition: 'end', reconnect: { maxAttempts: 100, delayMs: 50 } });
      try {
        await takeUntil(subscription, isCaughtUp);
        await stop();
        await restart();
        const fresh = events(5, 'AfterRestart');
        await appendRetrying(stream, fresh, 2n);
        expect(ids(await take(subscription, 5, mine))).toEqual(ids(fresh));
        const sentinel = events(1, 'Sentinel');
        await appendRetrying(stream, sentinel, 7n);
        expect(ids(await take(subscription, 1, mine))).toEqual(ids(sentinel));
      } finally {
        await subscription.close();
      }
    },
    SLOW,
  );

  it(
    'a filtered subscription resumes from its last checkpoint: no gap, no duplicate',
    async () => {
      const p = uniquePrefix();
      const mark = await allMark(store);
      const match = `${p}-match`;
      const noise = `${p}-noise`;
      let matchRevision: ExpectedRevision = 'no_stream';
      let noiseRevision: ExpectedRevision = 'no_stream';
      const matching: string[] = [];
      const appendMatchesAmongNoise = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++) {
          const batch = events(1, 'Match');
          matchRevision = await appendRetrying(match, batch, matchRevision);
          matching.push(...ids(batch));
          noiseRevision = await appendRetrying(noise, events(40, 'Noise'), noiseRevision);
        }
      };
      await appendMatchesAmongNoise(15);

      const subscription = store.subscribeToAll({
        fromPosition: mark,
        filter: { on: 'streamName', prefixes: [match], checkpointEvery: 1 },
        reconnect: { maxAttempts: 100, delayMs: 50 },
      });
      try {
        // catch up, then let the subscription scan a long stretch of noise so its latest
        // checkpoint lies after its latest event
        const messages: SubscriptionMessage[] = await takeUntil(subscription, isCaughtUp);
        for (let i = 0; i < 5; i++) noiseRevision = await appendRetrying(noise, events(100, 'Noise'), noiseRevision);
        const lastEvent = eventsOf(messages).slice(-1)[0].position;
        let checkpointAfterLastEvent: Position | undefined;
        while (!checkpointAfterLastEvent) {
          const message = await nextMessage(subscription);
          if (!message) throw new Error('subscription ended');
          messages.push(message);
          if (message.kind === 'checkpoint' && message.position.commit > lastEvent.commit) {
            checkpointAfterLastEvent = message.position;
          }
        }

        await stop();
        await restart();
        await appendMatchesAmongNoise(15);
        const rest = await take(subscription, 15);

        expect([...ids(eventsOf(messages)), ...ids(rest)]).toEqual(matching);
        expectConsistentCheckpoints(messages);
        const sentinel = events(1, 'Sentinel');
        await appendRetrying(match, sentinel, matchRevision);
        expect(ids(await take(subscription, 1))).toEqual(ids(sentinel));
      } finally {
        await subscription.close();
      }
    },
    SLOW,
  );

  it('appends and reads fail with StoreUnavailableError while the server is down, and work again after', async () => {
    const stream = uniqueStream();
    await appendRetrying(stream, events(1), 'no_stream');
    await stop();
    const batch = events(2, 'WhileDown');
    expect(await failure(() => store.append(stream, batch, 0n))).toBeInstanceOf(StoreUnavailableError);
    expect(await failure(() => readStream(store, stream))).toBeInstanceOf(StoreUnavailableError);
    await restart();
    expect(await appendRetrying(stream, batch, 0n)).toBe(2n);
    expect(ids(await readStream(store, stream))).toHaveLength(3);
  });

  it(
    'a subscription whose reconnect attempts run out ends with StoreUnavailableError',
    async () => {
      const subscription = store.subscribeToAll({ fromPosition: 'end', reconnect: { maxAttempts: 2, delayMs: 20 } });
      try {
        await takeUntil(subscription, isCaughtUp);
        await stop();
        const error = await failure(async () => {
          while ((await nextMessage(subscription)) !== undefined) {
            // caughtUp or checkpoints may still come; the iteration has to fail
          }
        });
        expect(error).toBeInstanceOf(StoreUnavailableError);
      } finally {
        await subscription.close();
      }
    },
    SLOW,
  );
});
