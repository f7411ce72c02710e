import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SESSION_EVENT_TYPES } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { AllSubscription, EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../../shared/clock.js';
import type { Clock } from '../../shared/clock.js';
import type { CommandOrigin } from '../../shared/command-origin.js';
import { conversationCommand, onConversation } from '../conversation-commands.js';
import { OpenSessions, TrackedSession } from './open-sessions.js';
import { SESSION_EXPIRY_TIMERS } from './timers.js';
import type { Timers } from './timers.js';

const RETRY_DELAY_MS = 5000;

/**
 * Records SessionClosed when a session reaches its expiry, even if nobody touches the conversation.
 * It follows the session events of `$all` from the start, so on start it closes every session that
 * expired while it was down; the decider's no-op and the expected revision make every close happen
 * exactly once, however many instances run or restart.
 */
@Injectable()
export class SessionExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryService.name);
  private readonly sessions = new OpenSessions();
  private subscription: AllSubscription | null = null;
  private following: Promise<void> = Promise.resolve();
  private closing: Promise<unknown> = Promise.resolve();
  private caughtUp = false;
  private markCaughtUp!: () => void;
  private readonly caughtUpOnce = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  private wakeUp: { handle: unknown; at: number } | null = null;
  /** After a failed close, not before this instant: the store may be down, do not hammer it. */
  private retryAt = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SESSION_EXPIRY_TIMERS) private readonly timers: Timers,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** The store must still be open: stop before the stores close in their shutdown hook. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    const regex = `^(${SESSION_EVENT_TYPES.join('|')})$`;
    this.subscription = this.store.subscribeToAll({ fromPosition: 'start', filter: { on: 'eventType', regex } });
    this.following = this.follow(this.subscription).catch((error: unknown) => {
      this.logger.error(`Session expiry stopped following the event log: ${String(error)}`);
    });
  }

  async stop(): Promise<void> {
    this.cancelWakeUp();
    await this.subscription?.close();
    await this.following;
    await this.closing;
  }

  /** Resolves once history is replayed and the sessions that expired meanwhile are closed. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUpOnce;
  }

  /** One at a time, so a timer and the catch-up never close the same session twice in a row. */
  closeOverdueSessions(now: Date): Promise<number> {
    const run = this.closing.then(() => this.closeOverdue(now));
    this.closing = run.catch(() => undefined);
    return run;
  }

  private async follow(subscription: AllSubscription): Promise<void> {
    for await (const message of subscription) {
      if (message.kind === 'event') {
        this.sessions.apply(message.event);
        if (this.caughtUp) this.scheduleWakeUp();
      } else if (message.kind === 'caughtUp' && !this.caughtUp) {
        this.caughtUp = true;
        await this.closeOverdueSessions(this.clock.now());
        this.markCaughtUp();
      }
    }
  }

  private async closeOverdue(now: Date): Promise<number> {
    let closed = 0;
    let failed = false;
    for (const session of this.sessions.overdue(now)) {
      try {
        if (await this.close(session, now)) closed++;
        this.sessions.forget(session);
      } catch (error) {
        failed = true;
        this.logger.error(
          `Could not close session ${session.sessionId} of ${session.conversationId}: ${String(error)}`,
        );
      }
    }
    this.retryAt = failed ? now.getTime() + RETRY_DELAY_MS : 0;
    this.scheduleWakeUp();
    return closed;
  }

  private async close(session: TrackedSession, now: Date): Promise<boolean> {
    const origin: CommandOrigin = {
      portalId: session.portalId,
      actor: { kind: 'system', id: 'session-expiry' },
      idempotencyKey: `close-expired-session|${session.sessionId}|${session.expiresAt}`,
    };
    const command = conversationCommand('CloseExpiredSession', { sessionId: session.sessionId }, origin, now);
    const { events } = await onConversation(this.store, session.conversationId, command, origin);
    return events.length > 0;
  }

  /** One timer, for the earliest expiry: waking up closes whatever is overdue, then sleeps until the next. */
  private scheduleWakeUp(): void {
    const next = this.sessions.nextExpiry();
    const at = next === null ? null : Math.max(next, this.retryAt);
    if (at === (this.wakeUp?.at ?? null)) return;
    this.cancelWakeUp();
    if (at === null) return;
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
