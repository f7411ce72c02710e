import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AllSubscription, EventToAppend } from '../port/index.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const batch = (count: number): EventToAppend[] =>
  Array.from({ length: count }, (_, n) => ({ id: randomUUID(), type: 'Thing', data: { n } }));

async function eventIds(subscription: AllSubscription, count: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const message of subscription) {
    if (message.kind === 'event') ids.push(message.event.id);
    if (ids.length === count) break;
  }
  return ids;
}

/** Live subscriptions share one parsed tail of the log; each must still see every event once, in order. */
describe('SQLite subscriptions sharing the tail of the log', () => {
  let dataDir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'log-tail-'));
    store = new SqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers everything to subscribers at different places, also one left behind by more than the window', async () => {
    await store.append('history', batch(300));
    const fromStart = store.subscribeToAll();
    const fromEnd = store.subscribeToAll({ fromPosition: 'end' });
    const keptUp = eventIds(fromEnd, 100);
    const live = [...batch(100)];
    await store.append('live', live);
    expect(await keptUp).toEqual(live.map((event) => event.id));
    // fromStart has not pulled anything yet: ten thousand events later it is far behind the shared window.
    const burst = batch(10_000);
    for (let at = 0; at < burst.length; at += 1_000) await store.append('burst', burst.slice(at, at + 1_000));
    const behind = store.subscribeToAll({ fromPosition: 'end' });
    const next = eventIds(behind, 1);
    const last = batch(1);
    await store.append('last', last);
    expect(await next).toEqual([last[0].id]);
    const everything = await eventIds(fromStart, 300 + 100 + 10_000 + 1);
    expect(everything.slice(300)).toEqual([...live, ...burst, ...last].map((event) => event.id));
    expect(new Set(everything).size).toBe(everything.length);
  });
});
