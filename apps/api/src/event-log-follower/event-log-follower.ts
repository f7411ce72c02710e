import type { Logger } from '@nestjs/common';
import type {
  AllFilter,
  AllSubscription,
  EventStore,
  Position,
  RecordedEvent,
  StreamCheckpoint,
} from '@helpdesk/event-store';
import { CheckpointBeyondLogEndError } from '@helpdesk/event-store';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { FollowProgress } from './follow-progress.js';
import { Sleeper } from './sleeper.js';

export interface FollowerSettings {
  /** Events under way before the subscription stops reading (backpressure). */
  readonly maxInProgress: number;
  /** Settled events between two checkpoints; one is also written whenever the follower falls idle. */
  readonly checkpointEvery: number;
  /** The wait before following the log again after losing it. */
  readonly resubscribeDelayMs: number;
  /** First wait after the event store failed; it doubles up to `storeRetryMaxMs`. */
  readonly storeRetryMs: number;
  readonly storeRetryMaxMs: number;
}

export interface EventLogFollowerOptions {
  readonly store: EventStore;
  /** Where the follower resumes after a restart: a low watermark of settled events. */
  readonly checkpoint: StreamCheckpoint;
  /** The events that give it work (a server-side filter on `$all`). */
  readonly filter: AllFilter;
  readonly timers: Timers;
  readonly settings: FollowerSettings;
  /** The owner's logger, and what it does in its lines ("Outbound delivery", "Inbound media downloads"). */
  readonly logger: Logger;
  readonly label: string;
}

/**
 * The work for one event: true once it reached an end (`true` at once when there is nothing to do),
 * false when the follower stopped first (the checkpoint then stays before it). It should not reject:
 * each owner decides what a failure means; one that does anyway counts as not settled.
 */
export type EventWork = (event: RecordedEvent) => Promise<boolean> | boolean;

/** The n-th store failure in a row (from 1) waits this long before the next try. */
export function storeRetryDelayMs(
  failures: number,
  { storeRetryMs, storeRetryMaxMs }: Pick<FollowerSettings, 'storeRetryMs' | 'storeRetryMaxMs'>,
): number {
  return Math.min(storeRetryMaxMs, storeRetryMs * 2 ** (failures - 1));
}

/**
 * Follows the event log for a background worker (the outbound dispatcher, the inbound media
 * fetcher): a filtered `$all` subscription from a checkpoint, followed again after it is lost;
 * each event's work runs concurrently, at most `maxInProgress` at once (the subscription waits);
 * the checkpoint is the low watermark of settled work, so a restart resumes whatever was under way.
 * Its owner decides what each event means and keeps any order it needs (per conversation, say).
 */
export class EventLogFollower {
  /** Every wait of the owner's work goes through it, so `stop` ends them at once. */
  readonly sleeper: Sleeper;
  private readonly progress: FollowProgress;
  private subscription: AllSubscription | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly underWay = new Set<Promise<void>>();
  private readerWaiting: (() => void)[] = [];

  constructor(private readonly options: EventLogFollowerOptions) {
    this.sleeper = new Sleeper(options.timers);
    this.progress = new FollowProgress(options.checkpoint, options.settings.checkpointEvery, options.logger);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Events taken up and not yet at an end (the `outbound_queue_messages` gauge). */
  get eventsUnderWay(): number {
    return this.progress.eventsUnderWay;
  }

  start(work: EventWork): void {
    if (this.running) return;
    this.stopping = false;
    this.sleeper.resume();
    this.running = this.run(work).catch((error: unknown) => {
      this.options.logger.error(`${this.options.label} stopped: ${String(error)}`);
    });
  }

  /** Stops reading, ends every wait, lets the work under way finish, then writes the checkpoint. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.sleeper.stop();
    this.wakeReader();
    await this.subscription?.close();
    await this.running;
    await Promise.all(this.underWay);
    await this.progress.flush();
    this.running = null;
  }

  /** Resolves when every event seen (at least up to `after`) reached an end. */
  whenIdle(after?: Position): Promise<void> {
    return this.progress.whenIdle(after);
  }

  private async run(work: EventWork): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    if (checkpoint === undefined) return;
    this.progress.startFrom(checkpoint);
    const { logger, label, store, filter, settings } = this.options;
    logger.log(`${label} is on, from ${checkpoint ? `position ${checkpoint.commit}` : 'the start'} of the event log`);
    while (!this.stopping) {
      const from = this.progress.resumePosition ?? 'start';
      this.subscription = store.subscribeToAll({ fromPosition: from, filter });
      try {
        await this.follow(this.subscription, work);
      } catch (error) {
        if (error instanceof CheckpointBeyondLogEndError) {
          // Its checkpoint is from another log: resuming would skip events, retrying cannot help.
          logger.error(`${label} refuses to start: ${error.message}`);
          return;
        }
        if (!this.stopping) logger.error(`${label} lost the event log, following it again: ${String(error)}`);
      }
      if (!this.stopping) await this.sleeper.sleep(settings.resubscribeDelayMs);
    }
  }

  private async follow(subscription: AllSubscription, work: EventWork): Promise<void> {
    for await (const message of subscription) {
      if (message.kind === 'event') {
        await this.roomForMore();
        if (this.stopping) return;
        this.begin(message.event, work);
      } else if (message.kind === 'checkpoint') {
        this.progress.passed(message.position);
      } else {
        this.progress.markCaughtUp();
      }
    }
  }

  private begin(event: RecordedEvent, work: EventWork): void {
    const tracked = this.progress.begin(event.position);
    let outcome: Promise<boolean> | boolean;
    try {
      outcome = work(event);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    if (typeof outcome === 'boolean') return this.progress.end(tracked, outcome);
    const task: Promise<void> = outcome
      .catch((error: unknown) => {
        this.options.logger.error(`${this.options.label} failed on event ${event.id}: ${String(error)}`);
        return false;
      })
      .then((settled) => {
        this.underWay.delete(task);
        this.progress.end(tracked, settled);
        this.wakeReader();
      });
    this.underWay.add(task);
  }

  /** undefined when stopped before the store answered. */
  private async readCheckpoint(): Promise<Position | null | undefined> {
    for (let failures = 1; !this.stopping; failures++) {
      try {
        return await this.options.checkpoint.read();
      } catch (error) {
        this.options.logger.error(
          `${this.options.label} could not read its checkpoint, trying again: ${String(error)}`,
        );
        await this.sleeper.sleep(storeRetryDelayMs(failures, this.options.settings));
      }
    }
    return undefined;
  }

  private async roomForMore(): Promise<void> {
    while (this.progress.eventsUnderWay >= this.options.settings.maxInProgress && !this.stopping) {
      await new Promise<void>((resolve) => this.readerWaiting.push(resolve));
    }
  }

  private wakeReader(): void {
    const waiting = this.readerWaiting;
    this.readerWaiting = [];
    for (const resolve of waiting) resolve();
  }
}
