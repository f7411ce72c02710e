import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { SESSION_EVENT_TYPES } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { AllSubscription, EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../../shared/clock.js';
import type { Clock } from '../../shared/clock.js';
import type { CommandOrigin } from '../../shared/command-origin.js';
import { conversationCommand, onConversation } from '../conversation-commands.js';
import {
  DEFAULT_SESSION_EXPIRY_OPTIONS,
  type DueSessionsCursor,
  type IndexedSession,
  SESSION_DUE_INDEX,
  SESSION_EXPIRY_OPTIONS,
  type SessionDueIndex,
  type SessionExpiryOptions,
} from './session-due-index.js';
import { SESSION_EXPIRY_TIMERS } from './timers.js';
import type { Timers } from './timers.js';

/**
 * Records SessionClosed when a session reaches its expiry, even if nobody touches the conversation.
 *
 * It holds no per-session state: the open sessions and their due times live in a persisted index
 * (the `session_expiry` read model). A pass pages through the sessions due now (in batches, in
 * expiry order), issues CloseExpiredSession for each, then sleeps until the index's next expiry,
 * at most `maxSleepMs`. The session events appended while it sleeps wake it earlier when they
 * announce an earlier expiry (it keeps only the one next wake-up). On start it waits for the index
 * to catch up and runs a pass: the sessions that expired while it was down are closed then.
 *
 * The index is a hint: the decider closes a session only if the stream says it is still open and
 * expired, and the expected revision and the idempotency key make each close happen once, however
 * many instances run (several processes running it only repeat no-op commands).
 */
@Injectable()
export class SessionExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryService.name);
  private readonly options: SessionExpiryOptions;
  private subscription: AllSubscription | null = null;
  private following: Promise<void> = Promise.resolve();
  private passes: Promise<unknown> = Promise.resolve();
  private firstPass: Promise<void> = Promise.resolve();
  private stopped = true;
  private endWait: () => void = () => undefined;
  private wakeUp: { handle: unknown; at: number } | null = null;
  /** While a pass runs: the earliest expiry announced meanwhile, which its own schedule must not skip. */
  private announcedDuringPass: number | null = null;
  private passRunning = false;
  /** After a failed pass, not before this instant. */
  private retryAt = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SESSION_EXPIRY_TIMERS) private readonly timers: Timers,
    @Inject(SESSION_DUE_INDEX) private readonly index: SessionDueIndex,
    @Optional() @Inject(SESSION_EXPIRY_OPTIONS) options?: Partial<SessionExpiryOptions>,
  ) {
    this.options = { ...DEFAULT_SESSION_EXPIRY_OPTIONS, ...options };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** The store must still be open: stop before the stores close in their shutdown hook. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.stopped = false;
    const regex = `^(${SESSION_EVENT_TYPES.join('|')})$`;
    // Only what is appended from now on: what came before is in the index.
    const subscription = this.store.subscribeToAll({ fromPosition: 'end', filter: { on: 'eventType', regex } });
    this.subscription = subscription;
    this.following = this.follow(subscription).catch((error: unknown) => {
      this.logger.error(`Session expiry stopped following the event log: ${String(error)}`);
    });
    // The index may never catch up (the event store is unreachable): stopping ends the wait.
    const stopping = new Promise<void>((resolve) => (this.endWait = resolve));
    const caughtUp = this.index
      .whenCaughtUp()
      .catch((error: unknown) => this.logger.error(`The session expiry index is not caught up: ${String(error)}`));
    this.firstPass = Promise.race([caughtUp, stopping]).then(async () => {
      if (!this.stopped) await this.closeOverdueSessions(this.clock.now());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endWait();
    this.cancelWakeUp();
    await this.subscription?.close();
    await this.following;
    await this.firstPass;
    await this.passes;
    this.cancelWakeUp();
  }

  /** Resolves once the first pass (the sessions that expired while the service was down) is done. */
  whenCaughtUp(): Promise<void> {
    return this.firstPass;
  }

  /** One pass at a time, so a wake-up and the start never close the same session twice in a row. */
  closeOverdueSessions(now: Date): Promise<number> {
    const run = this.passes.then(() => this.pass(now));
    this.passes = run.catch(() => undefined);
    return run;
  }

  /** When the service wakes up next (ms since the epoch), if it sleeps. */
  nextWakeUp(): number | null {
    return this.wakeUp?.at ?? null;
  }

  private async follow(subscription: AllSubscription): Promise<void> {
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      const { expiresAt } = message.event.data as { expiresAt?: string };
      if (expiresAt !== undefined) this.announce(Date.parse(expiresAt));
    }
  }

  /** A session (re)opened or extended until `expiresAt`: wake up then if that is earlier than planned. */
  private announce(expiresAt: number): void {
    if (this.passRunning) this.announcedDuringPass = Math.min(this.announcedDuringPass ?? expiresAt, expiresAt);
    const at = Math.max(expiresAt, this.retryAt);
    if (this.wakeUp && this.wakeUp.at <= at) return;
    this.scheduleWakeUp(at);
  }

  private async pass(now: Date): Promise<number> {
    this.passRunning = true;
    this.announcedDuringPass = null;
    let closed = 0;
    let failed = false;
    let next: Date | null = null;
    try {
      let after: DueSessionsCursor | null = null;
      for (;;) {
        const page = await this.index.due(now, this.options.batchSize, after);
        for (const session of page) {
          try {
            if (await this.close(session, now)) closed++;
          } catch (error) {
            failed = true;
            this.logger.error(
              `Could not close session ${session.sessionId} of ${session.conversationId}: ${String(error)}`,
            );
          }
        }
        if (page.length < this.options.batchSize || this.stopped) break;
        after = page[page.length - 1].cursor;
      }
      next = await this.index.nextExpiryAfter(now);
    } catch (error) {
      failed = true;
      this.logger.error(`Could not read the due sessions: ${String(error)}`);
    } finally {
      this.passRunning = false;
    }
    const nowMs = now.getTime();
    this.retryAt = failed ? nowMs + this.options.retryDelayMs : 0;
    const candidates = failed
      ? [this.retryAt]
      : [nowMs + this.options.maxSleepMs, next?.getTime() ?? Infinity, this.announcedDuringPass ?? Infinity];
    this.scheduleWakeUp(Math.min(...candidates));
    return closed;
  }

  private async close(session: IndexedSession, now: Date): Promise<boolean> {
    const origin: CommandOrigin = {
      portalId: session.portalId,
      actor: { kind: 'system', id: 'session-expiry' },
      idempotencyKey: `close-expired-session|${session.sessionId}|${Date.parse(session.expiresAt)}`,
    };
    const command = conversationCommand('CloseExpiredSession', { sessionId: session.sessionId }, origin, now);
    const { events } = await onConversation(this.store, session.conversationId, command, origin);
    return events.length > 0;
  }

  /** One timer: waking up runs a pass, which schedules the next. */
  private scheduleWakeUp(at: number): void {
    this.cancelWakeUp();
    if (this.stopped) return;
    const handle = this.timers.setTimeout(
      () => {
        this.wakeUp = null;
        void this.closeOverdueSessions(this.clock.now());
      },
      Math.max(0, at - this.clock.now().getTime()),
    );
    this.wakeUp = { handle, at };
  }

  private cancelWakeUp(): void {
    if (this.wakeUp) this.timers.clearTimeout(this.wakeUp.handle);
    this.wakeUp = null;
  }
}
