import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Decider, type DomainCommand, type DomainEvent, refuse } from '@helpdesk/domain';
import { type EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { backoffDelay, handleCommand, loadState } from './handle-command.js';

type Added = DomainEvent<'Added', { amount: number }>;
type Add = DomainCommand<'Add', { amount: number; atMost: number }>;

/** A running total that refuses to pass a limit: the decision depends on every earlier event. */
const total: Decider<Add, Added, number> = {
  initialState: 0,
  evolve: (sum, event) => sum + event.data.amount,
  decide: (command, sum) => {
    if (sum + command.data.amount > command.data.atMost) refuse('INVALID_LIMIT', 'over the limit');
    return [{ type: 'Added', data: { amount: command.data.amount } }];
  },
};

const add = (amount: number, atMost = Number.MAX_SAFE_INTEGER): Add => ({
  type: 'Add',
  data: { amount, atMost },
  context: { portalId: 'p', actor: { kind: 'system', id: 'test' }, now: new Date() },
});

/** States are cached between commands of one process: what is decided must still see every event. */
describe('handleCommand with states remembered between commands', () => {
  let dataDir: string;
  let store: EventStore;
  let other: EventStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'handle-command-'));
    store = openSqliteEventStore({ dataDir });
    other = openSqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await Promise.all([store.close(), other.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees what another process appended since the state was remembered', async () => {
    const stream = `total-${randomUUID()}`;
    await handleCommand(store, stream, total, add(2));
    await handleCommand(other, stream, total, add(3));
    expect(await loadState(store, stream, total)).toEqual({ state: 5, revision: 1n });
    await expect(handleCommand(store, stream, total, add(6, 10))).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
  });

  it('retries on a concurrent write and decides on the state that includes it', async () => {
    const stream = `total-${randomUUID()}`;
    await handleCommand(store, stream, total, add(1));
    const outcomes = await Promise.allSettled([
      handleCommand(store, stream, total, add(4, 5)),
      handleCommand(store, stream, total, add(4, 5)),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await loadState(other, stream, total)).toEqual({ state: 5, revision: 1n });
  });

  it('reads the stream again once the remembered event is gone (deleted, then written again)', async () => {
    const stream = `total-${randomUUID()}`;
    await handleCommand(store, stream, total, add(7));
    await other.deleteStream(stream);
    await other.append(stream, [{ id: randomUUID(), type: 'Added', data: { amount: 1 } }]);
    expect(await loadState(store, stream, total)).toEqual({ state: 1, revision: 1n });
  });
});

/** A store on which another writer appends to the stream just before each of our first `times` appends. */
function outrunBy(rival: EventStore, times: number, store: EventStore): EventStore {
  let left = times;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          if (left-- > 0) await rival.append(args[0], [{ id: randomUUID(), type: 'Added', data: { amount: 0 } }]);
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('handleCommand backing off on a contended stream', () => {
  let dataDir: string;
  let store: EventStore;
  let rival: EventStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'handle-command-backoff-'));
    store = openSqliteEventStore({ dataDir });
    rival = openSqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await Promise.all([store.close(), rival.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits a jittered, growing and bounded delay before each retry, and none before the first attempt', async () => {
    const stream = `total-${randomUUID()}`;
    const draws = [0.5, 0.9, 0.1, 0.75, 0.999, 0];
    const delays: number[] = [];
    const backoff = {
      baseMs: 10,
      maxMs: 60,
      random: () => draws[delays.length],
      sleep: async (ms: number) => void delays.push(ms),
    };
    const handled = await handleCommand(outrunBy(rival, 6, store), stream, total, add(3), { backoff, maxAttempts: 7 });
    expect(handled.state).toBe(3);
    // Ceilings 10, 20, 40, 60, 60, 60 (capped at maxMs), each scaled by its random draw.
    expect(delays).toEqual([5, 18, 4, 45, 59, 0]);
    const ceilings = delays.map((_, index) => backoffDelay({ ...backoff, random: () => 1 }, index + 1));
    expect(ceilings).toEqual([10, 20, 40, 60, 60, 60]);
    delays.forEach((delay, index) => expect(delay).toBeLessThan(ceilings[index]));
  });

  it('retries at once without a backoff, as before', async () => {
    const stream = `total-${randomUUID()}`;
    const handled = await handleCommand(outrunBy(rival, 3, store), stream, total, add(2));
    expect(handled.state).toBe(2);
    expect(await loadState(store, stream, total)).toEqual({ state: 2, revision: 3n });
  });

  it('gives up after maxAttempts, having waited between the attempts only', async () => {
    const stream = `total-${randomUUID()}`;
    const delays: number[] = [];
    const backoff = { baseMs: 1, maxMs: 8, random: () => 0.5, sleep: async (ms: number) => void delays.push(ms) };
    await expect(
      handleCommand(outrunBy(rival, 10, store), stream, total, add(1), { backoff, maxAttempts: 4 }),
    ).rejects.toThrow();
    expect(delays).toEqual([0, 1, 2]);
  });
});
