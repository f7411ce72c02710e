import { conversationStreamName } from '@helpdesk/domain';
import { headPosition } from '@helpdesk/event-store';
import {
  DAY,
  HOUR,
  type World,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { SessionExpiryOptions } from '@helpdesk/commands/conversation/session-expiry/session-due-index.js';
import { SessionExpiryService } from '@helpdesk/commands/conversation/session-expiry/session-expiry.service.js';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { readStoresUnderTest } from '@helpdesk/projections/core/read-stores-under-test.js';
import { sessionExpiryProjection } from '@helpdesk/projections/session-expiry/index.js';
import type { ReadStore } from '@helpdesk/read-store';
import { ReadModelSessionDueIndex } from './read-model-session-due-index.js';

/** Timers the test fires by hand; it can wait for the service to set one, instead of sleeping. */
class ManualTimers implements Timers {
  private readonly pending = new Map<number, { callback: () => void; delayMs: number }>();
  private nextHandle = 1;
  private onSet: (() => void) | null = null;

  setTimeout(callback: () => void, delayMs: number): number {
    const handle = this.nextHandle++;
    this.pending.set(handle, { callback, delayMs });
    this.onSet?.();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.delayMs);
  }

  whenSet(): Promise<void> {
    return new Promise((resolve) => (this.onSet = resolve));
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

/**
 * How many entries (object keys, array, map and set entries) the object graph from `root` holds,
 * not counting what it reaches through `skip` (the injected store, clock, timers and index) nor
 * inside promises. Per-session state held by the service would make it grow with the sessions.
 */
function heldEntries(root: object, skip: ReadonlySet<unknown>): number {
  const seen = new Set<unknown>();
  let count = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || skip.has(value)) return;
    if (value instanceof Promise) return;
    seen.add(value);
    if (value instanceof Map) {
      count += value.size;
      value.forEach((entry, key) => (visit(key), visit(entry)));
    } else if (value instanceof Set) {
      count += value.size;
      value.forEach(visit);
    }
    for (const key of Object.keys(value)) {
      count++;
      visit((value as Record<string, unknown>)[key]);
    }
  };
  visit(root);
  return count;
}

const sentAt = '2025-03-10T09:00:00.000Z';
const expiresAt = later(sentAt, DAY);
const phone = (n: number) => `+3361234${String(n).padStart(4, '0')}`;
/** Long enough that the next expiry, not the bound, decides the sleep (one test checks the bound). */
const WEEK = 7 * DAY;

describe.each(readStoresUnderTest())('Closing sessions at their expiry from the due-time index on $name', (under) => {
  let world: World;
  let readStore: ReadStore;
  let disposeReadStore: () => Promise<void>;
  let runner: ProjectionRunner;
  let index: ReadModelSessionDueIndex;
  let timers: ManualTimers;
  const running: SessionExpiryService[] = [];

  /** The index has applied everything appended so far. */
  async function indexCaughtUp(): Promise<void> {
    const head = await headPosition(world.store);
    if (head) await runner.whenCaughtUp(head);
  }

  async function startService(options: Partial<SessionExpiryOptions> = {}): Promise<SessionExpiryService> {
    const service = new SessionExpiryService(world.store, world.clock, timers, index, { maxSleepMs: WEEK, ...options });
    running.push(service);
    service.start();
    await service.whenCaughtUp();
    return service;
  }

  const closes = async (conversationId = conversationOf()) =>
    (await world.eventsOf(conversationStreamName(conversationId))).filter((event) => event.type === 'SessionClosed');

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
    ({ readStore, dispose: disposeReadStore } = await under.open());
    runner = new ProjectionRunner(world.store, readStore.db, sessionExpiryProjection);
    await runner.start();
    index = new ReadModelSessionDueIndex(readStore.db, indexCaughtUp);
    timers = new ManualTimers();
    world.clock.set(sentAt);
    await world.receive(inboundMessage('wamid.a', sentAt));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.stop()));
    await runner.stop();
    await disposeReadStore();
    await world.close();
  });

  it('closes a session that expired while it was down, exactly once across a restart', async () => {
    world.clock.set(later(expiresAt, 5 * HOUR));
    const first = await startService();
    await first.stop();
    const second = await startService();

    expect(await second.closeOverdueSessions(world.clock.now())).toBe(0);
    const recorded = await closes();
    expect(recorded).toHaveLength(1);
    expect(recorded[0].data).toEqual({ sessionId: expect.any(String), closedAt: expiresAt });
  });

  it('at start, closes every session that expired while it was down, page after page', async () => {
    for (let n = 0; n < 7; n++) await world.receive(inboundMessage(`wamid.${n}`, later(sentAt, n * 1000), phone(n)));
    world.clock.set(later(expiresAt, DAY));

    const service = await startService({ batchSize: 3 });

    for (let n = 0; n < 7; n++) expect(await closes(conversationOf(phone(n)))).toHaveLength(1);
    expect(await closes()).toHaveLength(1);
    expect(await service.closeOverdueSessions(world.clock.now())).toBe(0);
  });

  it('closes it once when two instances catch up at the same time', async () => {
    world.clock.set(later(expiresAt, HOUR));
    await Promise.all([startService(), startService()]);

    expect(await closes()).toHaveLength(1);
  });

  it('waits until the very expiry: 1 ms before, it sleeps for that 1 ms, then closes the session', async () => {
    world.clock.set(later(expiresAt, -1));
    const service = await startService();

    expect(await closes()).toHaveLength(0);
    expect(timers.delays()).toEqual([1]);
    world.clock.set(expiresAt);
    const closed = timers.whenSet();
    timers.fireAll();
    await closed;
    expect(await closes()).toHaveLength(1);
    expect(await service.closeOverdueSessions(world.clock.now())).toBe(0);
  });

  it('does not close a session a newer message extended: it sleeps on until the new expiry', async () => {
    world.clock.set(later(sentAt, HOUR));
    await startService();
    expect(timers.delays()).toEqual([DAY - HOUR]);

    world.clock.set(later(sentAt, 2 * HOUR));
    await world.receive(inboundMessage('wamid.b', later(sentAt, 2 * HOUR)));
    await indexCaughtUp();
    world.clock.set(expiresAt);
    let woke = timers.whenSet();
    timers.fireAll();
    await woke;

    expect(await closes()).toHaveLength(0);
    expect(timers.delays()).toEqual([2 * HOUR]);
    world.clock.set(later(expiresAt, 2 * HOUR));
    woke = timers.whenSet();
    timers.fireAll();
    await woke;
    expect((await closes()).map((event) => event.data)).toEqual([
      { sessionId: expect.any(String), closedAt: later(expiresAt, 2 * HOUR) },
    ]);
  });

  it('takes the index as a hint: a session extended after the index was written is not closed', async () => {
    const service = await startService();
    await runner.stop();
    world.clock.set(later(sentAt, 2 * HOUR));
    await world.receive(inboundMessage('wamid.b', later(sentAt, 2 * HOUR)));

    world.clock.set(expiresAt);
    expect(await service.closeOverdueSessions(world.clock.now())).toBe(0);
    expect(await closes()).toHaveLength(0);
    await runner.start();
  });

  it('sleeps at most the bound when nothing is due, and wakes earlier for a session opened meanwhile', async () => {
    world.clock.set(later(expiresAt, HOUR));
    const service = await startService({ maxSleepMs: 10 * DAY });
    expect(await closes()).toHaveLength(1);
    expect(timers.delays()).toEqual([10 * DAY]);

    const newSession = timers.whenSet();
    world.clock.set(later(expiresAt, 2 * HOUR));
    await world.receive(inboundMessage('wamid.b', later(expiresAt, 2 * HOUR)));
    await newSession;
    expect(timers.delays()).toEqual([DAY]);
    expect(service.nextWakeUp()).toBe(Date.parse(later(expiresAt, 2 * HOUR + DAY)));

    await indexCaughtUp();
    world.clock.set(later(expiresAt, 2 * HOUR + DAY));
    const woke = timers.whenSet();
    timers.fireAll();
    await woke;
    expect(await closes()).toHaveLength(2);
  });

  it('stops while its index never catches up (the event store is unreachable), closing nothing', async () => {
    world.clock.set(later(expiresAt, HOUR));
    const stuck = new ReadModelSessionDueIndex(readStore.db, () => new Promise<void>(() => undefined));
    const service = new SessionExpiryService(world.store, world.clock, timers, stuck);
    service.start();

    await service.stop();
    await service.whenCaughtUp();
    expect(await closes()).toHaveLength(0);
    expect(timers.delays()).toEqual([]);
  });

  it('holds no per-session state: a hundred more open sessions leave what it keeps unchanged', async () => {
    world.clock.set(later(sentAt, HOUR));
    const service = await startService();
    const skip = new Set<unknown>([
      world.store,
      world.clock,
      timers,
      index,
      (service as unknown as { subscription: unknown }).subscription,
    ]);
    await service.closeOverdueSessions(world.clock.now());
    const withOne = heldEntries(service, skip);

    for (let n = 0; n < 100; n++)
      await world.receive(inboundMessage(`wamid.${n}`, later(sentAt, HOUR + n * 1000), phone(n)));
    await indexCaughtUp();
    await service.closeOverdueSessions(world.clock.now());

    expect(heldEntries(service, skip)).toBe(withOne);
    expect(timers.delays()).toHaveLength(1);
  });
});
