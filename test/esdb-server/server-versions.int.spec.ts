import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  EventStoreDBClient,
  FORWARDS,
  START,
  eventTypeFilter,
  jsonEvent,
  type AllStreamSubscription,
} from '@eventstore/db-client';
import { collect } from '../support/async-results.js';
import { startInProcessEventStoreDB, type InProcessEventStoreDB } from './index.js';
import type { SubscriptionBehaviour } from './subscriptions.js';

/*
 * What changes between server versions and what the real server does with positions whose
 * prepare part differs from the commit part, through the real client.
 */

const events = (count: number, type = 'Happened') =>
  Array.from({ length: count }, (_, n) => jsonEvent({ type, data: { n } }));

/** Bounds a failure only: the conditions are met as soon as the messages arrive. */
async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Seen = { kind: 'event'; type: string } | { kind: 'caughtUp' } | { kind: 'error'; message: string };

function record(subscription: AllStreamSubscription): Seen[] {
  const seen: Seen[] = [];
  subscription.on('data', ({ event }) => {
    if (event && !event.type.startsWith('$')) seen.push({ kind: 'event', type: event.type });
  });
  subscription.on('caughtUp', () => seen.push({ kind: 'caughtUp' }));
  subscription.on('error', (error: Error) => seen.push({ kind: 'error', message: error.message }));
  return seen;
}

async function withServer(
  options: {
    subscriptions?: Partial<SubscriptionBehaviour>;
    maxConcurrentStreams?: number;
    advertiseBatchAppend?: boolean;
  },
  body: (client: EventStoreDBClient, server: InProcessEventStoreDB) => Promise<void>,
): Promise<void> {
  const server = await startInProcessEventStoreDB(options);
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    await body(client, server);
  } finally {
    await client.dispose();
    await server.shutdown();
  }
}

describe('in-process EventStoreDB: server versions', () => {
  it('24.10 sends caught_up again after a live subscription fell behind', async () => {
    await withServer({ subscriptions: { version: '24.10', liveBufferSize: 4 } }, async (client) => {
      await client.appendToStream('before', events(2));
      const subscription = client.subscribeToAll({ fromPosition: START });
      const seen = record(subscription);
      await eventually(() => seen.some((item) => item.kind === 'caughtUp'));
      // One commit of 10 events is more than the 4 live events the subscription may buffer.
      await client.appendToStream('burst', events(10, 'Burst'));
      await eventually(() => seen.filter((item) => item.kind === 'caughtUp').length === 2);
      await subscription.unsubscribe();
      expect(seen.map((item) => item.kind)).toEqual([
        ...Array<string>(2).fill('event'),
        'caughtUp',
        ...Array<string>(10).fill('event'),
        'caughtUp',
      ]);
    });
  });

  it('23.10 aborts a live subscription that fell behind, asking for a resubscription', async () => {
    await withServer({ subscriptions: { version: '23.10', liveBufferSize: 4 } }, async (client) => {
      const subscription = client.subscribeToAll({ fromPosition: START });
      const seen = record(subscription);
      await client.appendToStream('before', events(1));
      await eventually(() => seen.some((item) => item.kind === 'caughtUp'));
      await client.appendToStream('burst', events(10, 'Burst'));
      await eventually(() => seen.some((item) => item.kind === 'error'));
      const error = seen.find((item) => item.kind === 'error');
      expect(error).toEqual({ kind: 'error', message: expect.stringContaining('Consumer too slow') as string });
      expect(seen.filter((item) => item.kind === 'caughtUp')).toHaveLength(1);
    });
  });

  it('22.10 never sends caught_up', async () => {
    await withServer({ subscriptions: { version: '22.10' } }, async (client) => {
      await client.appendToStream('before', events(2));
      const subscription = client.subscribeToAll({ fromPosition: START });
      const seen = record(subscription);
      await client.appendToStream('after', events(2, 'Later'));
      await eventually(() => seen.filter((item) => item.kind === 'event').length === 4);
      await subscription.unsubscribe();
      // A caught_up would have come between the catch-up and the live events.
      expect(seen.map((item) => item.kind)).toEqual(['event', 'event', 'event', 'event']);
    });
  });

  it('reads $all backwards from (X, 0) without the record ending at X, and from (X, X) with it', async () => {
    await withServer({}, async (client) => {
      await client.appendToStream('positions', events(3));
      const forwards = await collect(client.readAll({ direction: FORWARDS, fromPosition: START }));
      const third = forwards[2].event!.position!;
      const fromPrepareZero = await collect(
        client.readAll({ direction: BACKWARDS, fromPosition: { commit: third.commit, prepare: 0n } }),
      );
      const fromSame = await collect(
        client.readAll({ direction: BACKWARDS, fromPosition: { commit: third.commit, prepare: third.commit } }),
      );
      // Records end where the next starts: X = the third's position is the end of the second.
      expect(fromPrepareZero.map(({ event }) => event!.id)).toEqual([forwards[0].event!.id]);
      expect(fromSame.map(({ event }) => event!.id)).toEqual([forwards[1].event!.id, forwards[0].event!.id]);
      // Forwards from (X, 0) starts at the record at X.
      const forwardsFromPrepareZero = await collect(
        client.readAll({ direction: FORWARDS, fromPosition: { commit: third.commit, prepare: 0n }, maxCount: 1 }),
      );
      expect(forwardsFromPrepareZero[0].event!.id).toBe(forwards[2].event!.id);
    });
  });

  it('resumes a subscription from (X, 0) with the record at X', async () => {
    await withServer({}, async (client) => {
      await client.appendToStream('resume', events(3));
      const forwards = await collect(client.readAll({ direction: FORWARDS, fromPosition: START }));
      const third = forwards[2].event!.position!;
      const subscription = client.subscribeToAll({
        fromPosition: { commit: third.commit, prepare: 0n },
        filter: eventTypeFilter({ prefixes: ['Happened'] }),
      });
      const seen: string[] = [];
      subscription.on('data', ({ event }) => seen.push(event!.id));
      await eventually(() => seen.length === 1);
      await subscription.unsubscribe();
      expect(seen).toEqual([forwards[2].event!.id]);
    });
  });

  it('ignores the whole metadata, $tb included, when $maxCount or $maxAge is 0', async () => {
    await withServer({}, async (client) => {
      for (const invalid of [{ $maxCount: 0 }, { $maxAge: 0 }, { $maxCount: -3 }]) {
        const stream = `meta-${randomUUID().slice(0, 8)}`;
        await client.appendToStream(stream, events(3));
        await client.appendToStream(`$$${stream}`, jsonEvent({ type: '$metadata', data: { $tb: 2 } }));
        expect(await collect(client.readStream(stream))).toHaveLength(1);
        await client.appendToStream(`$$${stream}`, jsonEvent({ type: '$metadata', data: { $tb: 2, ...invalid } }));
        expect(await collect(client.readStream(stream))).toHaveLength(3);
      }
    });
  });

  it('serves at most maxConcurrentStreams calls per connection at once: the next waits for a free one', async () => {
    // Appends as unary calls: BatchAppend would keep one stream open for the client's lifetime.
    await withServer({ maxConcurrentStreams: 10, advertiseBatchAppend: false }, async (client, server) => {
      await client.appendToStream('warm-up', events(1));
      const subscriptions: AllStreamSubscription[] = [];
      let confirmed = 0;
      for (let i = 0; i < 10; i++) {
        const subscription = client.subscribeToAll({ fromPosition: START });
        subscription.on('confirmation', () => (confirmed += 1));
        subscription.on('data', () => undefined);
        subscriptions.push(subscription);
      }
      await eventually(() => confirmed === 10);
      let released = false;
      const append = client.appendToStream('waiting', events(1)).then(() => released);
      // A second connection has its own streams: its append goes through while the first waits.
      // Issued after the waiting one, it is the yardstick that needs no clock: had the first
      // client sent its append, the server would have it by the time the second one's is answered.
      // (grpc-js shares one connection between clients with the same options: change one.)
      const other = EventStoreDBClient.connectionString(`${server.connectionString}&keepAliveInterval=11000`);
      try {
        await other.appendToStream('yardstick', events(1));
        expect(await collect(other.readStream('yardstick'))).toHaveLength(1);
        await expect(collect(other.readStream('waiting'))).rejects.toThrow(/not found/i);
      } finally {
        await other.dispose();
      }
      released = true;
      await subscriptions[0].unsubscribe();
      // The append could only be answered once a stream was given back.
      expect(await append).toBe(true);
      await Promise.all(subscriptions.slice(1).map((subscription) => subscription.unsubscribe()));
    });
  });
});
