import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CampaignRecipientSender } from '@helpdesk/commands/campaign/campaign-recipient.js';
import { runCampaign } from '@helpdesk/commands/campaign/run-campaign.js';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { type AllSubscription, type EventStore, type Position, comparePositions } from '@helpdesk/event-store';
import { Sleeper } from '../event-log-follower/sleeper.js';

export interface CampaignRunnerSettings {
  /** Recipients of one campaign served at once. */
  readonly concurrency: number;
  /** After a failure that is not a refusal (the store is down...), the campaign is taken up again after this, doubling. */
  readonly retryMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_CAMPAIGN_RUNNER_SETTINGS: CampaignRunnerSettings = {
  concurrency: 4,
  retryMs: 1_000,
  retryMaxMs: 30_000,
};

export interface CampaignRunnerDependencies {
  readonly store: EventStore;
  readonly sender: CampaignRecipientSender;
  readonly timers: Timers;
  readonly settings?: Partial<CampaignRunnerSettings>;
}

const STARTED_FILTER = { on: 'eventType', regex: '^CampaignStarted$' } as const;

/**
 * Follows the event log for started campaigns and serves their recipients (`runCampaign`). On
 * boot it reads every CampaignStarted from the start: a finished campaign costs one fold, and a
 * running one (a crash, a restart) is resumed from its recorded outcomes. Several instances may
 * run it at once: the keys of each recipient's messages, and one outcome per recipient, make a
 * recipient served twice a replay that sends nothing.
 */
export class CampaignRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CampaignRunner.name);
  private readonly settings: CampaignRunnerSettings;
  private readonly sleeper: Sleeper;
  private subscription: AllSubscription | null = null;
  private following: Promise<void> | null = null;
  private stopping = false;
  private readonly active = new Map<string, Promise<void>>();
  private seen: Position | null = null;
  private idleWaiters: (() => boolean)[] = [];

  constructor(private readonly deps: CampaignRunnerDependencies) {
    this.settings = { ...DEFAULT_CAMPAIGN_RUNNER_SETTINGS, ...deps.settings };
    this.sleeper = new Sleeper(deps.timers);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.following) return;
    this.stopping = false;
    this.sleeper.resume();
    this.following = this.follow().catch((error: unknown) => {
      this.logger.error(`Campaigns stopped: ${String(error)}`);
    });
  }

  /** Recipients under way finish (their outcome recorded); the others wait for the next start. */
  async stop(): Promise<void> {
    if (!this.following) return;
    this.stopping = true;
    this.sleeper.stop();
    await this.subscription?.close();
    await this.following;
    await Promise.all(this.active.values());
    this.following = null;
    this.wakeIdle();
  }

  /** Resolves once the campaign started at `after` (or every campaign seen) has been served as far as it goes. */
  whenIdle(after?: Position): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(() => {
        if (!this.isIdle(after)) return false;
        resolve();
        return true;
      });
      this.wakeIdle();
    });
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      this.subscription = this.deps.store.subscribeToAll({ fromPosition: 'start', filter: STARTED_FILTER });
      try {
        for await (const message of this.subscription) {
          if (message.kind !== 'event') continue;
          this.serve(message.event.streamName);
          this.seen = message.event.position;
        }
      } catch (error) {
        if (!this.stopping) this.logger.error(`Campaigns lost the event log, following it again: ${String(error)}`);
      }
      if (!this.stopping) await this.sleeper.sleep(this.settings.retryMs);
    }
  }

  private serve(streamName: string): void {
    if (this.active.has(streamName)) return;
    const work = this.runUntilSettled(streamName).finally(() => {
      this.active.delete(streamName);
      this.wakeIdle();
    });
    this.active.set(streamName, work);
  }

  private async runUntilSettled(streamName: string): Promise<void> {
    const { concurrency, retryMs, retryMaxMs } = this.settings;
    for (let failures = 0; !this.stopping; failures++) {
      try {
        await runCampaign(this.deps.store, this.deps.sender, streamName, {
          concurrency,
          isStopping: () => this.stopping,
        });
        return;
      } catch (error) {
        this.logger.error(`Campaign ${streamName} failed, taking it up again: ${String(error)}`);
        await this.sleeper.sleep(Math.min(retryMaxMs, retryMs * 2 ** failures));
      }
    }
  }

  private isIdle(after?: Position): boolean {
    if (this.active.size > 0) return false;
    if (after === undefined || this.stopping || !this.following) return true;
    return this.seen !== null && comparePositions(this.seen, after) >= 0;
  }

  private wakeIdle(): void {
    this.idleWaiters = this.idleWaiters.filter((check) => !check());
  }
}
