import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Decider, type DomainCommand, type DomainEvent, refuse } from '@helpdesk/domain';
import { type EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { handleCommand, loadState } from './handle-command.js';

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

/** A stream renamed: what was written under its older names is frozen, folded first and never written again. */
describe('handleCommand with older names of the stream', () => {
  let dataDir: string;
  let store: EventStore;
  let other: EventStore;
  let older: string;
  let current: string;
  const added = (amount: number) => ({ id: randomUUID(), type: 'Added', data: { amount } });
  const amounts = async (on: EventStore, stream: string) => {
    const found: unknown[] = [];
    for await (const event of on.readStream(stream)) found.push(event.data);
    return found;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'handle-command-older-'));
    store = openSqliteEventStore({ dataDir });
    other = openSqliteEventStore({ dataDir });
    older = `total-old-${randomUUID()}`;
    current = `total_new-${randomUUID()}`;
    await store.append(older, [added(2), added(3)]);
  });

  afterEach(async () => {
    await Promise.all([store.close(), other.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('folds the older streams first, then appends to the current one at its own revision', async () => {
    expect(await loadState(store, current, total, { olderNames: [older] })).toEqual({
      state: 5,
      revision: 'no_stream',
    });
    await expect(handleCommand(store, current, total, add(6, 10), { olderNames: [older] })).rejects.toMatchObject({
      code: 'INVALID_LIMIT',
    });

    const handled = await handleCommand(store, current, total, add(4, 10), { olderNames: [older] });

    expect(handled).toMatchObject({ state: 9, nextExpectedRevision: 0n });
    expect(await amounts(store, older)).toEqual([{ amount: 2 }, { amount: 3 }]);
    expect(await amounts(store, current)).toEqual([{ amount: 4 }]);
    expect(await loadState(other, current, total, { olderNames: [older] })).toEqual({ state: 9, revision: 0n });
  });

  it('settles a race on the current stream, the older one standing still', async () => {
    const outcomes = await Promise.allSettled([
      handleCommand(store, current, total, add(4, 9), { olderNames: [older] }),
      handleCommand(other, current, total, add(4, 9), { olderNames: [older] }),
    ]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await amounts(store, current)).toEqual([{ amount: 4 }]);
  });

  it('reads the older streams in the order given, and one that does not exist as empty', async () => {
    const first = `total-first-${randomUUID()}`;
    await store.append(first, [added(1)]);
    const order: number[] = [];
    const recording = {
      ...total,
      evolve: (sum: number, event: Added) => (order.push(event.data.amount), sum + event.data.amount),
    };

    await loadState(store, current, recording, { olderNames: [first, `total-missing-${randomUUID()}`, older] });

    expect(order).toEqual([1, 2, 3]);
  });

  it('takes a request recorded under an older name as a replay', async () => {
    const keyed = (amount: number): Add => ({
      ...add(amount),
      context: { ...add(amount).context, idempotencyKey: 'k-1' },
    });
    await handleCommand(store, older, total, keyed(1), { request: { amount: 1 } });

    const retried = await handleCommand(store, current, total, keyed(1), {
      request: { amount: 1 },
      olderNames: [older],
    });

    expect(retried).toMatchObject({ replayed: true, events: [], state: 6 });
    await expect(amounts(store, current)).rejects.toBeDefined();
  });

  it('remembers the state folded with older names apart from the one folded without', async () => {
    await handleCommand(store, current, total, add(1));
    expect(await loadState(store, current, total)).toEqual({ state: 1, revision: 0n });
    expect(await loadState(store, current, total, { olderNames: [older] })).toEqual({ state: 6, revision: 0n });
    await handleCommand(store, current, total, add(1), { olderNames: [older] });
    expect(await loadState(store, current, total)).toEqual({ state: 2, revision: 1n });
    expect(await loadState(store, current, total, { olderNames: [older] })).toEqual({ state: 7, revision: 1n });
  });
});
