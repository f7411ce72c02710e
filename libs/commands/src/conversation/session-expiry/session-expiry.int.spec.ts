import { conversationStreamName } from '@helpdesk/domain';
import { DAY, HOUR, type World, conversationOf, inboundMessage, later, openWorld } from '../conversation.test-world.js';
import { SessionExpiryService } from './session-expiry.service.js';
import type { Timers } from './timers.js';

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

const sentAt = '2025-03-10T09:00:00.000Z';
const expiresAt = later(sentAt, DAY);

describe('Closing sessions at their expiry against the embedded store', () => {
  let world: World;
  let timers: ManualTimers;
  const running: SessionExpiryService[] = [];

  async function startService(): Promise<SessionExpiryService> {
    const service = new SessionExpiryService(world.store, world.clock, timers);
    running.push(service);
    service.start();
    await service.whenCaughtUp();
    return service;
  }

  const closes = async () =>
    (await world.eventsOf(conversationStreamName(conversationOf()))).filter((event) => event.type === 'SessionClosed');

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
    timers = new ManualTimers();
    world.clock.set(sentAt);
    await world.receive(inboundMessage('wamid.a', sentAt));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.stop()));
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

  it('closes it once when two instances catch up at the same time', async () => {
    world.clock.set(later(expiresAt, HOUR));
    await Promise.all([startService(), startService()]);

    expect(await closes()).toHaveLength(1);
  });

  it('waits until the very expiry: 1 ms before, it sets a timer for that 1 ms', async () => {
    world.clock.set(later(expiresAt, -1));
    const service = await startService();

    expect(await closes()).toHaveLength(0);
    expect(timers.delays()).toEqual([1]);
    world.clock.set(expiresAt);
    timers.fireAll();
    expect(await service.closeOverdueSessions(world.clock.now())).toBe(0);
    expect(await closes()).toHaveLength(1);
  });

  it('follows a restart of the session: its timer moves to the new expiry', async () => {
    world.clock.set(later(sentAt, HOUR));
    const service = await startService();
    expect(timers.delays()).toEqual([DAY - HOUR]);

    const timerMoved = timers.whenSet();
    world.clock.set(later(sentAt, 2 * HOUR));
    await world.receive(inboundMessage('wamid.b', later(sentAt, 2 * HOUR)));
    await timerMoved;

    expect(timers.delays()).toEqual([DAY]);
    world.clock.set(expiresAt);
    expect(await service.closeOverdueSessions(world.clock.now())).toBe(0);
    expect(await closes()).toHaveLength(0);
  });

  it('closes a session opened while it runs, when its timer fires', async () => {
    const service = await startService();
    world.clock.set(later(expiresAt, HOUR));
    await service.closeOverdueSessions(world.clock.now());
    const newSession = timers.whenSet();
    world.clock.set(later(expiresAt, 2 * HOUR));
    await world.receive(inboundMessage('wamid.b', later(expiresAt, 2 * HOUR)));
    await newSession;

    expect(timers.delays()).toEqual([DAY]);
    world.clock.set(later(expiresAt, 2 * HOUR + DAY));
    timers.fireAll();
    await service.closeOverdueSessions(world.clock.now());
    expect(await closes()).toHaveLength(2);
  });
});
