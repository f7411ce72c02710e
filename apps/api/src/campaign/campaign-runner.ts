import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CampaignRecipientSender } from '@helpdesk/commands/campaign/campaign-recipient.js';
import { isCampaignRunning, runCampaign } from '@helpdesk/commands/campaign/run-campaign.js';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { SingleStreamName } from '@helpdesk/domain';
import {
  type AllSubscription,
  type EventStore,
  type Position,
  StreamCheckpoint,
  comparePositions,
} from '@helpdesk/event-store';
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

/** A checkpoint every 32 events scanned, on either store: what the runner resumes from moves with the log. */
const STARTED_FILTER = { on: 'eventType', regex: '^CampaignStarted$', checkpointEvery: 32 } as const;

/**
 * Follows the event log for started campaigns and serves their recipients (`runCampaign`). It
 * resumes from its checkpoint: a position before which every campaign started has finished
 * (completed, stopped, cancelled: for good), so a running one (a crash, a restart) is read again
 * and resumed from its recorded outcomes, and a boot does not read the whole log (at 1M events,
 * 4.4 s to listen, against 0.3). Several instances may run it at once: the keys of each
 * recipient's messages, and one outcome per recipient, make a recipient served twice a replay that
 * sends nothing. Each writes the checkpoint of what it saw; any of them is right, since a finished
 * campaign stays finished.
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
  private readonly checkpoint: StreamCheckpoint;
  /** The last position the subscription delivered (an event or a checkpoint): where a resume would start. */
  private scanned: Position | 'start' = 'start';
  /** Campaigns seen and not known finished, each with the position to resume from to see it again. */
  private readonly unfinished = new Map<string, Position | 'start'>();
  /** Checkpoint writes, one after the other: the last one queued writes the latest view. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CampaignRunnerDependencies) {
    this.settings = { ...DEFAULT_CAMPAIGN_RUNNER_SETTINGS, ...deps.settings };
    this.sleeper = new Sleeper(deps.timers);
    this.checkpoint = new StreamCheckpoint(
      deps.store,
      SingleStreamName.campaignRunnerCheckpoint,
      'CampaignRunnerCheckpointed',
    );
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
    // What this run saw finish is not read again at the next boot.
    await this.writeCheckpoint();
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
      try {
        const from = (await this.checkpoint.read()) ?? 'start';
        this.scanned = from;
        this.subscription = this.deps.store.subscribeToAll({ fromPosition: from, filter: STARTED_FILTER });
        // Stopped while the checkpoint was read: nobody else closes this subscription.
        if (this.stopping) await this.subscription.close();
        for await (const message of this.subscription) {
          if (message.kind === 'event') {
            const { streamName, position } = message.event;
            if (!this.unfinished.has(streamName)) this.unfinished.set(streamName, this.scanned);
            this.serve(streamName);
            this.seen = position;
            this.scanned = position;
          } else if (message.kind === 'checkpoint') {
            this.scanned = message.position;
          }
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
      if (!this.stopping) void this.writeCheckpoint();
    });
    this.active.set(streamName, work);
  }

  /**
   * Writes where a boot should resume: before the first campaign not known finished, or what was
   * scanned when none is. A campaign another instance is still serving stays unfinished here until
   * it is seen finished. Written when a campaign settles and at stop, never on its own schedule:
   * every write is an event in the log, and one landing at an arbitrary moment would sit among a
   * request's events (after a crash, the next boot reads what came after the last write). Failing
   * to write only costs a longer read at the next boot: logged.
   */
  private writeCheckpoint(): Promise<void> {
    this.writing = this.writing.then(() => this.writeResumePosition());
    return this.writing;
  }

  private async writeResumePosition(): Promise<void> {
    try {
      for (const streamName of [...this.unfinished.keys()]) {
        if (!this.active.has(streamName) && !(await isCampaignRunning(this.deps.store, streamName)))
          this.unfinished.delete(streamName);
      }
      let resume = this.scanned;
      for (const before of this.unfinished.values()) if (isEarlier(before, resume)) resume = before;
      if (resume !== 'start') await this.checkpoint.write(resume);
    } catch (error) {
      this.logger.warn(`The campaigns' checkpoint was not written: ${String(error)}`);
    }
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

function isEarlier(a: Position | 'start', b: Position | 'start'): boolean {
  if (a === 'start') return b !== 'start';
  return b !== 'start' && comparePositions(a, b) < 0;
}
