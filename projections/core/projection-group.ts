import type { AllSubscription, EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { yieldToEventLoop } from './apply-events.js';
import { readCheckpoint, recordFailure } from './checkpoints.js';
import { commitBatch } from './group-batch.js';
import { GroupMember, type ProjectionStatus, type RunnerState, atOrAfter } from './group-member.js';
import { ensureLiveTables } from './live-tables.js';
import type { Projection } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

export type { ProjectionStatus, RunnerState } from './group-member.js';

/** Events per transaction once live; while catching up, more: fewer commits, each document written once per batch. */
const LIVE_BATCH = 500;
const CATCH_UP_BATCH = 5_000;
/**
 * Once live, a batch of events no member handles (the inbox's webhook payloads) commits nothing but
 * the members' checkpoints, with an fsync: under webhook load, one per group commit of the webhook
 * edge. So such batches commit at most once per this many ms: within that time after one, events
 * no member handles wait for the next that one handles (the messages the inbox processor appends
 * from them) or for the time to be up. A lone one after a quiet spell commits at once, and events a
 * member handles never wait, so only a wait for an unhandled position under load takes longer.
 */
export const UNHANDLED_HOLD_MS = 50;
/** A member behind the group catches up by this many events between two of the group's batches. */
const MEMBER_CATCH_UP_CHUNK = 1_000;

export interface RunnerOptions {
  /**
   * Runs first in every batch's transaction, before anything is read or written; throwing aborts
   * the batch. The projector fences its writes with it (see projector-lease.ts).
   */
  readonly beforeWrite?: (trx: ReadDatabase) => Promise<void>;
  /** How often a failed projection looks whether a rebuild replaced its tables (then it resumes). */
  readonly repairPollMs?: number;
  /** Once live, how long events no member handles wait for one it handles (default UNHANDLED_HOLD_MS). */
  readonly unhandledHoldMs?: number;
  /** Events a member behind the group applies between two of the group's batches (default 1,000). */
  readonly memberCatchUpChunk?: number;
}

/** A writer that is no longer the one allowed to write: it stops without touching the store again. */
export class WriterFencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriterFencedError';
  }
}

const IDLE = Symbol('idle');

/**
 * Follows `$all` ONCE for several projections: each batch of events is applied to every member in
 * one read-store transaction, each member with its own checkpoint (claimed and written in it, so a
 * crash never applies an event twice), its own document cache and its own status.
 *
 * - A member that throws stops at that event with the error in its status; the others go on. It
 *   resumes by itself once a rebuild has switched working tables in.
 * - A member whose checkpoint another writer moved (a rebuild's switch) reloads from it.
 * - Members start where their checkpoints are. The subscription starts at the furthest one; a
 *   member behind it catches up on its own reads, one chunk between two of the group's batches,
 *   and joins the shared batches once it reached the group. So a new projection version starting
 *   from scratch does not hold the live ones' lag back by its whole replay: they wait one chunk
 *   at most per batch. (Reading from the lowest member would make every member wait for the
 *   laggard's replay.)
 */
export class ProjectionGroup {
  private readonly members: readonly GroupMember[];
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private stopped = true;
  private live = false;
  /** How far the shared subscription has been applied. */
  private cursor: Position | null = null;
  private readonly waiters = new Set<() => void>();
  /** Wakes the loop while it waits for events (a member to reload). */
  private wakeLoop: (() => void) | undefined;
  private readonly onStop = new Set<() => void>();
  private readonly repairPolls = new Set<Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    projections: readonly Projection[],
    private readonly now: () => Date = () => new Date(),
    private readonly options: RunnerOptions = {},
  ) {
    this.members = projections.map((projection) => new GroupMember(projection));
    this.handledTypes = new Set(projections.flatMap((projection) => projection.eventTypes));
  }

  private readonly handledTypes: ReadonlySet<string>;

  async start(): Promise<void> {
    // One after the other: concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL's catalog.
    for (const member of this.members) await ensureLiveTables(this.db, member.projection, this.now());
    this.stopping = false;
    this.stopped = false;
    for (const member of this.members) member.reload = true;
    await this.subscribe();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    this.nudge();
    [...this.onStop].forEach((stopped) => stopped());
    this.wake();
    await this.running;
    await Promise.all(this.repairPolls);
    this.stopped = true;
    this.wake();
  }

  statuses(): ProjectionStatus[] {
    return this.members.map((member) => member.status(this.stateOf(member)));
  }

  /** Whether every member has applied `$all` up to `position` already (none failed, none reloading). */
  hasApplied(position: Position): boolean {
    return this.members.every((member) => !member.failed && atOrAfter(member.seen, position) && !member.reload);
  }

  /** Resolves once every member applied `$all` up to `position` (default: is live); rejects if one failed. */
  async whenCaughtUp(position?: Position): Promise<void> {
    await this.waitFor(this.members, position);
  }

  /** The same for one member (the others may be behind, or failed). */
  async whenProjectionCaughtUp(name: string, position?: Position): Promise<void> {
    const member = this.members.find((candidate) => candidate.projection.name === name);
    if (!member) throw new Error(`no projection ${name} in this group`);
    await this.waitFor([member], position);
  }

  /** One waiter per call, not per member: many requests wait on every batch (read-your-writes). */
  private async waitFor(members: readonly GroupMember[], position?: Position): Promise<void> {
    for (;;) {
      const failed = members.find((member) => member.failed);
      if (failed) throw new Error(`Projection ${failed.projection.name} failed: ${failed.lastError}`);
      const reached = position
        ? members.every((member) => atOrAfter(member.seen, position) && !member.reload)
        : members.every((member) => this.stateOf(member) === 'live');
      if (reached) return;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private stateOf(member: GroupMember): RunnerState {
    if (member.failed) return 'failed';
    if (this.stopped) return 'stopped';
    return this.live && this.joined(member) ? 'live' : 'catching_up';
  }

  /** Takes its part of the shared batches: it has seen everything the group applied. */
  private joined(member: GroupMember): boolean {
    return member.active && atOrAfter(member.seen, this.cursor);
  }

  /** Loads the members' checkpoints and follows `$all` from the furthest one. */
  private async subscribe(): Promise<void> {
    await this.reloadMembers();
    const positions = this.members.filter((member) => member.active).map((member) => member.seen);
    this.cursor = positions.reduce<Position | null>(
      (furthest, seen) => (atOrAfter(furthest, seen) ? furthest : seen),
      null,
    );
    this.live = false;
    this.subscription = this.store.subscribeToAll({ fromPosition: this.cursor ?? 'start' });
  }

  private async reloadMembers(): Promise<void> {
    for (const member of this.members) {
      if (member.reload) await member.load(this.db);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.follow(this.subscription!);
        return;
      } catch (error) {
        await this.subscription?.close();
        if (this.stopping) return;
        // Not one member's: the fence, the database, the event store. Every member stops there.
        await this.failAll(error);
        this.wake();
        if (error instanceof WriterFencedError) return;
        while (!this.stopping && !this.members.some((member) => member.reload)) await this.nudged();
        if (this.stopping) return;
        await this.subscribe();
        this.wake();
      }
    }
  }

  private async follow(subscription: AllSubscription): Promise<void> {
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: RecordedEvent[] = [];
    /** Whether `pending` holds an event some member handles. */
    let handled = false;
    let hold: Hold | undefined;
    const holdMs = this.options.unhandledHoldMs ?? UNHANDLED_HOLD_MS;
    /** When the last batch of events no member handles was committed (performance.now()). */
    let lastUnhandledCommit = Number.NEGATIVE_INFINITY;
    let next = iterator.next();
    for (;;) {
      const sinceLast = performance.now() - lastUnhandledCommit;
      const holding =
        this.live && pending.length > 0 && !handled && !this.hasOwnWork() && (hold !== undefined || sinceLast < holdMs);
      if (holding) hold ??= startHold(holdMs - sinceLast);
      const item = holding
        ? await Promise.race([next, hold!.over, this.nudged()])
        : pending.length > 0 || this.hasOwnWork()
          ? await Promise.race([next, nextTurn()])
          : await Promise.race([next, this.nudged()]);
      if (item === IDLE) {
        // Nudged while holding, with nothing to do: hold on until the time is up or an event comes.
        if (holding && !hold!.expired && !this.hasOwnWork() && !this.stopping) continue;
        hold = endHold(hold);
        if (this.live && pending.length > 0 && !handled) lastUnhandledCommit = performance.now();
        await this.step(pending);
        pending = [];
        handled = false;
        continue;
      }
      if (item.done) break;
      next = iterator.next();
      const message = item.value;
      if (message.kind === 'event') {
        pending.push(message.event);
        if (this.handledTypes.has(message.event.type)) handled = true;
      }
      if (pending.length >= (this.live ? LIVE_BATCH : CATCH_UP_BATCH)) {
        hold = endHold(hold);
        await this.step(pending);
        pending = [];
        handled = false;
      }
      if (message.kind === 'caughtUp') {
        hold = endHold(hold);
        await this.step(pending);
        pending = [];
        handled = false;
        this.live = true;
        this.wake();
      }
    }
    endHold(hold);
    await this.step(pending);
  }

  /** Work that does not wait for new events: members to reload, members behind the group. */
  private hasOwnWork(): boolean {
    return this.members.some((member) => member.reload || (member.active && !this.joined(member)));
  }

  private async step(events: readonly RecordedEvent[]): Promise<void> {
    if (!this.stopping) {
      await this.reloadMembers();
      for (const member of this.members) {
        if (member.active && !this.joined(member)) await this.catchUp(member);
      }
    }
    await this.commitShared(events);
    this.wake();
    await yieldToEventLoop();
  }

  /** One batch of the subscription, to every member that has joined. */
  private async commitShared(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const work = new Map<GroupMember, readonly RecordedEvent[]>();
    for (const member of this.members) {
      if (this.joined(member)) work.set(member, member.unseen(events));
    }
    await this.commit(work);
    this.cursor = events.at(-1)!.position;
    // Members that had nothing to apply (all of it before their checkpoint) have seen it all the same.
    for (const member of work.keys())
      if (member.active && atOrAfter(this.cursor, member.seen)) member.seen = this.cursor;
  }

  /** A member behind the group reads its next chunk of `$all` itself. */
  private async catchUp(member: GroupMember): Promise<void> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readAll({
      fromPosition: member.seen ?? 'start',
      maxCount: (this.options.memberCatchUpChunk ?? MEMBER_CATCH_UP_CHUNK) + 1,
    })) {
      events.push(event);
    }
    const unseen = member.unseen(events);
    if (unseen.length === 0) {
      // Nothing in `$all` between it and the group (the events were deleted): it has seen up to the group.
      member.seen = this.cursor;
      return;
    }
    await this.commit(new Map([[member, unseen]]));
  }

  private async commit(work: ReadonlyMap<GroupMember, readonly RecordedEvent[]>): Promise<void> {
    await commitBatch(this.db, work, this.options.beforeWrite, this.now());
    for (const member of work.keys()) if (member.failed) this.watchForRepair(member);
  }

  private async failAll(error: unknown): Promise<void> {
    for (const member of this.members) {
      if (member.failed) continue;
      member.fail(error);
      // A fenced-out writer's error is not the projections': the checkpoints now belong to another writer.
      if (error instanceof WriterFencedError) continue;
      const { name, version } = member.projection;
      await recordFailure(this.db, name, version, member.lastError!, this.now()).catch(() => undefined);
      this.watchForRepair(member);
    }
  }

  /**
   * While failed, polls the stored checkpoint until it no longer carries an error: a rebuild has
   * switched working tables in (a failed batch never clears it). Then the member reloads.
   */
  private watchForRepair(member: GroupMember): void {
    const pollMs = this.options.repairPollMs ?? 2_000;
    const poll = (async () => {
      while (!this.stopping) {
        await new Promise<void>((resolve) => {
          const stopped = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            this.onStop.delete(stopped);
            resolve();
          }, pollMs);
          this.onStop.add(stopped);
        });
        if (this.stopping) return;
        const { name, version } = member.projection;
        const stored = await readCheckpoint(this.db, name, version).catch(() => null);
        if (stored && stored.lastError === null) {
          member.reload = true;
          this.nudge();
          return;
        }
      }
    })();
    this.repairPolls.add(poll);
    void poll.finally(() => this.repairPolls.delete(poll));
  }

  /** A fresh promise per wait (one kept across waits would pile up a reaction per Promise.race). */
  private nudged(): Promise<typeof IDLE> {
    return new Promise((resolve) => (this.wakeLoop = () => resolve(IDLE)));
  }

  private nudge(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((wake) => wake());
  }
}

interface Hold {
  readonly over: Promise<typeof IDLE>;
  readonly expired: boolean;
  /** Ends it without waking anyone: its events were committed another way. */
  cancel(): void;
}

function endHold(hold: Hold | undefined): undefined {
  hold?.cancel();
  return undefined;
}

function startHold(ms: number): Hold {
  let timer: NodeJS.Timeout | undefined;
  const hold = {
    expired: false,
    over: new Promise<typeof IDLE>((resolve) => {
      timer = setTimeout(() => {
        hold.expired = true;
        resolve(IDLE);
      }, ms);
    }),
    cancel: () => clearTimeout(timer),
  };
  return hold;
}

/** Lets already-delivered events pile into one batch, without waiting for anything else. */
function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}
