import { randomUUID } from 'node:crypto';
import type { SubscriptionMessage } from '../port/index.js';
import { startInProcessEventStoreDB } from '../../../../test/esdb-server/index.js';
import type { SubscriptionBehaviour } from '../../../../test/esdb-server/subscriptions.js';
import { connectEventStoreDB } from './index.js';

/*
 * A live subscriber that falls behind: 23.10 aborts the subscription and asks for a
 * resubscription, 24.x goes back to catch-up and says caught-up again. Either way the consumer
 * sees every event once, in order.
 */

const thing = (n: number) => ({ id: randomUUID(), type: 'Thing', data: { n } });

async function follow(version: SubscriptionBehaviour['version']): Promise<SubscriptionMessage['kind'][]> {
  const server = await startInProcessEventStoreDB({ subscriptions: { version, liveBufferSize: 4 } });
  const store = connectEventStoreDB(server.connectionString);
  try {
    await store.append('before', [thing(0)]);
    const subscription = store.subscribeToAll({ reconnect: { maxAttempts: 0, delayMs: 0 } });
    const iterator = subscription[Symbol.asyncIterator]();
    const kinds: SubscriptionMessage['kind'][] = [];
    const seen: number[] = [];
    const burst = Array.from({ length: 12 }, (_, n) => thing(n + 1));
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) throw new Error('the subscription ended');
      kinds.push(value.kind);
      if (value.kind === 'caughtUp' && seen.length === 1) await store.append('burst', burst);
      if (value.kind === 'event') seen.push((value.event.data as { n: number }).n);
      if (seen.length === 13) break;
    }
    await subscription.close();
    expect(seen).toEqual(Array.from({ length: 13 }, (_, n) => n));
    return kinds;
  } finally {
    await store.close();
    await server.shutdown();
  }
}

describe('EventStoreDB adapter: a live subscriber that falls behind', () => {
  it('on 23.10 resubscribes at once (no reconnect attempt used) and delivers every event once', async () => {
    const kinds = await follow('23.10');
    expect(kinds.filter((kind) => kind === 'event')).toHaveLength(13);
  });

  it('on 24.10 passes the repeated caught-up on and delivers every event once', async () => {
    const kinds = await follow('24.10');
    expect(kinds.filter((kind) => kind === 'event')).toHaveLength(13);
  });
});
