import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import {
  type RecordedEvent,
  type SqliteEventStore,
  StreamCheckpoint,
  headPosition,
  openSqliteEventStore,
} from '@helpdesk/event-store';
import { systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { EventLogFollower, type EventWork } from './event-log-follower.js';

const SETTINGS = {
  maxInProgress: 2,
  checkpointEvery: 1,
  resubscribeDelayMs: 10,
  storeRetryMs: 10,
  storeRetryMaxMs: 50,
};

/** Work the test ends itself: each event's promise resolves when the test says so. */
class HeldWork {
  readonly begun: string[] = [];
  private readonly pending = new Map<string, (settled: boolean) => void>();
  private watchers: (() => void)[] = [];

  readonly work: EventWork = (event: RecordedEvent) => {
    const name = (event.data as { name: string }).name;
    this.begun.push(name);
    this.watchers.splice(0).forEach((wake) => wake());
    return new Promise<boolean>((resolve) => this.pending.set(name, resolve));
  };

  end(name: string, settled = true): void {
    this.pending.get(name)?.(settled);
    this.pending.delete(name);
  }

  async whenBegun(count: number): Promise<void> {
    while (this.begun.length < count) await new Promise<void>((resolve) => this.watchers.push(resolve));
  }
}

describe('EventLogFollower on the embedded store', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  const followers: EventLogFollower[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'follower-'));
    store = openSqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function follower(): EventLogFollower {
    const created = new EventLogFollower({
      store,
      checkpoint: new StreamCheckpoint(store, 'follower-test-checkpoint', 'FollowerTestCheckpointed'),
      filter: { on: 'eventType', regex: '^Work$' },
      timers: systemTimers,
      settings: SETTINGS,
      logger: new Logger('EventLogFollowerTest'),
      label: 'Test follower',
    });
    followers.push(created);
    return created;
  }

  async function append(...names: string[]) {
    const events = names.map((name) => ({ id: randomUUID(), type: 'Work', data: { name } }));
    const result = await store.append(`work-${randomUUID()}`, events, 'any');
    return result.position;
  }

  it('refuses to start from a checkpoint beyond the end of the log, naming both, instead of skipping events', async () => {
    const last = await append('a');
    const beyond = { commit: last.commit + 1_000_000n, prepare: last.commit + 1_000_000n };
    await new StreamCheckpoint(store, 'follower-test-checkpoint', 'FollowerTestCheckpointed').write(beyond);
    let refused: (message: string) => void = () => undefined;
    const refusal = new Promise<string>((resolve) => (refused = resolve));
    const logger = new (class extends Logger {
      override error(message: unknown): void {
        refused(String(message));
      }
      override log(): void {}
    })('EventLogFollowerTest');
    const held = new HeldWork();
    const following = new EventLogFollower({
      store,
      checkpoint: new StreamCheckpoint(store, 'follower-test-checkpoint', 'FollowerTestCheckpointed'),
      filter: { on: 'eventType', regex: '^Work$' },
      timers: systemTimers,
      settings: SETTINGS,
      logger,
      label: 'Test follower',
    });
    followers.push(following);
    following.start(held.work);
    const message = await refusal;
    expect(message).toContain('Test follower refuses to start');
    const end = (await headPosition(store))!;
    expect(message).toContain(`after commit ${beyond.commit} / prepare ${beyond.prepare}`);
    expect(message).toContain(`the event log ends at commit ${end.commit} / prepare ${end.prepare}`);
    await following.stop();
    expect(held.begun).toEqual([]);
  });

  it('reads no further while maxInProgress events are under way, and is idle once all settled', async () => {
    const held = new HeldWork();
    const last = await append('a', 'b', 'c', 'd');
    const following = follower();
    following.start(held.work);
    await held.whenBegun(2);
    expect(held.begun).toEqual(['a', 'b']);
    held.end('b');
    await held.whenBegun(3);
    expect(held.begun).toEqual(['a', 'b', 'c']);
    held.end('a');
    held.end('c');
    await held.whenBegun(4);
    let idle = false;
    const whenIdle = following.whenIdle(last).then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    held.end('d');
    await whenIdle;
  });

  it('resumes after a restart from the low watermark: from the first event not settled, none before it', async () => {
    const held = new HeldWork();
    await append('a', 'b', 'c');
    const first = follower();
    first.start(held.work);
    await held.whenBegun(2);
    held.end('a');
    await held.whenBegun(3);
    // b is left unsettled (its owner stopped first); c settled after it: the checkpoint stays after a.
    const stopped = first.stop();
    held.end('c');
    held.end('b', false);
    await stopped;

    const again = new HeldWork();
    const last = await append('d');
    const second = follower();
    second.start(again.work);
    await again.whenBegun(2);
    again.end('b');
    again.end('c');
    await again.whenBegun(3);
    expect(again.begun).toEqual(['b', 'c', 'd']);
    again.end('d');
    await second.whenIdle(last);
  });

  it('counts work that throws or rejects as not settled, and goes on with the next events', async () => {
    const seen: string[] = [];
    const last = await append('throws', 'rejects', 'fine');
    const following = follower();
    following.start((event) => {
      const name = (event.data as { name: string }).name;
      seen.push(name);
      if (name === 'throws') throw new Error('boom');
      return name === 'rejects' ? Promise.reject(new Error('boom')) : true;
    });
    // Idle means every event seen reached an end, settled or not.
    await following.whenIdle(last);
    expect(seen).toEqual(['throws', 'rejects', 'fine']);
    await following.stop();

    // Not settled: a restart hands them over again (from the first of them).
    const again: string[] = [];
    const restarted = follower();
    restarted.start((event) => {
      again.push((event.data as { name: string }).name);
      return true;
    });
    await restarted.whenIdle(last);
    expect(again).toEqual(['throws', 'rejects', 'fine']);
  });
});
