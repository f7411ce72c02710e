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
    const outcomes = await Promise.allSettled([handleCommand(store, stream, total, add(4, 5)), handleCommand(store, stream, total, add(4, 5))]);
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
