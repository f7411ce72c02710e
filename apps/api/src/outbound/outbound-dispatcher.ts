import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { conversationIdFromStreamName } from '@helpdesk/domain';
import type { MediaStore } from '@helpdesk/media-store';
import type { AllSubscription, EventStore, Position, RecordedEvent, StreamCheckpoint } from '@helpdesk/event-store';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { DispatchProgress } from './dispatch-progress.js';
import { dispatcherCheckpoint } from './dispatcher-checkpoint.js';
import {
  DEFAULT_DISPATCHER_SETTINGS,
  type DispatcherSettings,
  OUTBOUND_WORK_EVENT_TYPES,
} from './dispatcher-settings.js';
import type { GraphApi } from './graph-api-client.js';
import { MessageDelivery } from './message-delivery.js';
import { NumberRateLimiter } from './number-rate-limiter.js';
import { ReadReceiptDelivery } from './read-receipt-delivery.js';
import { RequestSlots } from './request-slots.js';
import { Sleeper } from './sleeper.js';

export interface OutboundDispatcherDependencies {
  readonly store: EventStore;
  /** Null when WHATSAPP_ACCESS_TOKEN is not set: the dispatcher stays off. */
  readonly graph: GraphApi | null;
  readonly clock: Clock;
  readonly timers: Timers;
  /** In [0, 1): the jitter of retry delays. */
  readonly random: () => number;
  readonly settings?: Partial<DispatcherSettings>;
  /** Agents' uploads, sent to Meta's media endpoint before their message. */
  readonly media?: MediaStore;
}

const WORK_FILTER = { on: 'eventType', regex: `^(${OUTBOUND_WORK_EVENT_TYPES.join('|')})$` } as const;

/**
 * Sends accepted messages to Meta's Cloud API by following the event log, not the request that
 * accepted them, so what is to be sent survives restarts. At most once: an attempt is recorded
 * before each call, and a dispatcher sends only the attempt it recorded itself; an attempt left
 * without an outcome is never repeated (MessageDelivery). The messages of one conversation go one
 * after the other, in the order they were accepted; conversations go in parallel, each sending
 * number within the messages per second Meta allows it (NumberRateLimiter).
 */
export class OutboundDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundDispatcher.name);
  private readonly settings: DispatcherSettings;
  private readonly sleeper: Sleeper;
  private readonly delivery: MessageDelivery | null;
  private readonly receipts: ReadReceiptDelivery | null;
  private readonly progress: DispatchProgress;
  private readonly checkpoint: StreamCheckpoint;
  private subscription: AllSubscription | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly byConversation = new Map<string, Promise<void>>();
  private readerWaiting: (() => void)[] = [];

  constructor(private readonly deps: OutboundDispatcherDependencies) {
    this.settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...deps.settings };
    this.sleeper = new Sleeper(deps.timers);
    this.checkpoint = dispatcherCheckpoint(deps.store);
    this.progress = new DispatchProgress(this.checkpoint, this.settings.checkpointEvery, this.logger);
    const { store, graph, clock, random } = deps;
    const shared = {
      ...{ store, clock, settings: this.settings },
      sleep: (ms: number) => this.sleeper.sleep(ms),
      slots: new RequestSlots(this.settings.maxConcurrentRequests),
      limiter: new NumberRateLimiter(
        this.settings,
        () => clock.now().getTime(),
        (ms: number) => this.sleeper.sleep(ms),
      ),
      isStopping: () => this.stopping,
    };
    this.delivery = graph && new MessageDelivery({ ...shared, graph, random, media: deps.media });
    this.receipts = graph && new ReadReceiptDelivery({ ...shared, graph });
  }

  get enabled(): boolean {
    return this.delivery !== null;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** The store must still be open: calls under way finish and their answers are recorded first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.delivery) {
      this.logger.warn(
        'Outbound delivery is off: WHATSAPP_ACCESS_TOKEN is not set. Accepted messages stay pending until it is.',
      );
      return;
    }
    if (this.running) return;
    this.stopping = false;
    this.sleeper.resume();
    this.running = this.run(this.delivery).catch((error: unknown) => {
      this.logger.error(`Outbound delivery stopped: ${String(error)}`);
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.sleeper.stop();
    this.wakeReader();
    await this.subscription?.close();
    await this.running;
    await Promise.all(this.byConversation.values());
    await this.progress.flush();
    this.running = null;
  }

  /** Resolves when every message seen (at least up to `after`) reached an end: sent, failed or unknown. */
  whenIdle(after?: Position): Promise<void> {
    return this.enabled ? this.progress.whenIdle(after) : Promise.resolve();
  }

  private async run(delivery: MessageDelivery): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    if (checkpoint === undefined) return;
    this.progress.startFrom(checkpoint);
    this.logger.log(
      `Outbound delivery is on, from ${checkpoint ? `position ${checkpoint.commit}` : 'the start'} of the event log`,
    );
    while (!this.stopping) {
      const from = this.progress.resumePosition ?? 'start';
      this.subscription = this.deps.store.subscribeToAll({ fromPosition: from, filter: WORK_FILTER });
      try {
        await this.follow(this.subscription, delivery);
      } catch (error) {
        if (!this.stopping)
          this.logger.error(`Outbound delivery lost the event log, following it again: ${String(error)}`);
      }
      if (!this.stopping) await this.sleeper.sleep(this.settings.resubscribeDelayMs);
    }
  }

  private async follow(subscription: AllSubscription, delivery: MessageDelivery): Promise<void> {
    for await (const message of subscription) {
      if (message.kind === 'event') {
        await this.roomForMore();
        if (this.stopping) return;
        this.enqueue(message.event, delivery);
      } else if (message.kind === 'checkpoint') {
        this.progress.passed(message.position);
      } else {
        this.progress.markCaughtUp();
      }
    }
  }

  /** One chain per conversation keeps its messages in order; every step reads the message's state first. */
  private enqueue(event: RecordedEvent, delivery: MessageDelivery): void {
    const work = this.progress.begin(event.position);
    const conversationId = conversationIdFromStreamName(event.streamName);
    const messageId = (event.data as { messageId?: unknown }).messageId;
    if (conversationId === null || typeof messageId !== 'string') return this.progress.end(work, true);
    const previous = this.byConversation.get(conversationId) ?? Promise.resolve();
    const receipts = this.receipts;
    const cause = {
      causationId: event.id,
      ...(event.metadata.correlationId !== undefined && { correlationId: event.metadata.correlationId }),
    };
    const next: Promise<void> = previous
      .then(() =>
        event.type === 'ReadReceiptRequested' && receipts
          ? receipts.deliver(conversationId, messageId, cause)
          : delivery.deliver(conversationId, messageId),
      )
      .catch((error: unknown) => {
        this.logger.error(`Delivering message ${messageId} failed: ${String(error)}`);
        return false;
      })
      .then((settled) => {
        if (this.byConversation.get(conversationId) === next) this.byConversation.delete(conversationId);
        this.progress.end(work, settled);
        this.wakeReader();
      });
    this.byConversation.set(conversationId, next);
  }

  /** undefined when stopped before the store answered. */
  private async readCheckpoint(): Promise<Position | null | undefined> {
    for (let failures = 1; !this.stopping; failures++) {
      try {
        return await this.checkpoint.read();
      } catch (error) {
        this.logger.error(`Could not read the outbound checkpoint, trying again: ${String(error)}`);
        const { storeRetryMs, storeRetryMaxMs } = this.settings;
        await this.sleeper.sleep(Math.min(storeRetryMaxMs, storeRetryMs * 2 ** (failures - 1)));
      }
    }
    return undefined;
  }

  private async roomForMore(): Promise<void> {
    while (this.progress.messagesUnderWay >= this.settings.maxInProgress && !this.stopping) {
      await new Promise<void>((resolve) => this.readerWaiting.push(resolve));
    }
  }

  private wakeReader(): void {
    const waiting = this.readerWaiting;
    this.readerWaiting = [];
    for (const resolve of waiting) resolve();
  }
}
