import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { conversationIdFromStreamName } from '@helpdesk/domain';
import type { MediaStore } from '@helpdesk/media-store';
import type { EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { EventLogFollower } from '../event-log-follower/event-log-follower.js';
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
  private readonly follower: EventLogFollower;
  private readonly delivery: MessageDelivery | null;
  private readonly receipts: ReadReceiptDelivery | null;
  private readonly byConversation = new Map<string, Promise<unknown>>();

  constructor(deps: OutboundDispatcherDependencies) {
    this.settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...deps.settings };
    this.follower = new EventLogFollower({
      ...{ store: deps.store, checkpoint: dispatcherCheckpoint(deps.store), filter: WORK_FILTER },
      ...{ timers: deps.timers, settings: this.settings, logger: this.logger, label: 'Outbound delivery' },
    });
    const { store, graph, clock, random } = deps;
    const sleep = (ms: number) => this.follower.sleeper.sleep(ms);
    const shared = {
      ...{ store, clock, settings: this.settings, sleep },
      slots: new RequestSlots(this.settings.maxConcurrentRequests),
      limiter: new NumberRateLimiter(this.settings, () => clock.now().getTime(), sleep),
      isStopping: () => this.follower.isStopping,
    };
    this.delivery = graph && new MessageDelivery({ ...shared, graph, random, media: deps.media });
    this.receipts = graph && new ReadReceiptDelivery({ ...shared, graph });
  }

  get enabled(): boolean {
    return this.delivery !== null;
  }

  /**
   * Messages (and read receipts) taken up and not yet at an end: waiting for their turn in the
   * conversation or the number's rate, being sent, or waiting to retry. Beyond `maxInProgress` the
   * rest waits unread in the event log.
   */
  get messagesUnderWay(): number {
    return this.follower.eventsUnderWay;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** The store must still be open: calls under way finish and their answers are recorded first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    const delivery = this.delivery;
    if (!delivery) {
      this.logger.warn(
        'Outbound delivery is off: WHATSAPP_ACCESS_TOKEN is not set. Accepted messages stay pending until it is.',
      );
      return;
    }
    this.follower.start((event) => this.enqueue(event, delivery));
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Resolves when every message seen (at least up to `after`) reached an end: sent, failed or unknown. */
  whenIdle(after?: Position): Promise<void> {
    return this.enabled ? this.follower.whenIdle(after) : Promise.resolve();
  }

  /** One chain per conversation keeps its messages in order; every step reads the message's state first. */
  private enqueue(event: RecordedEvent, delivery: MessageDelivery): Promise<boolean> | boolean {
    const conversationId = conversationIdFromStreamName(event.streamName);
    const messageId = (event.data as { messageId?: unknown }).messageId;
    if (conversationId === null || typeof messageId !== 'string') return true;
    const previous = this.byConversation.get(conversationId) ?? Promise.resolve();
    const receipts = this.receipts;
    const cause = {
      causationId: event.id,
      ...(event.metadata.correlationId !== undefined && { correlationId: event.metadata.correlationId }),
    };
    const next: Promise<boolean> = previous
      .then(() =>
        event.type === 'ReadReceiptRequested' && receipts
          ? receipts.deliver(conversationId, messageId, cause)
          : delivery.deliver(conversationId, messageId),
      )
      .catch((error: unknown) => {
        this.logger.error(`Delivering message ${messageId} failed: ${String(error)}`);
        return false;
      })
      .finally(() => {
        if (this.byConversation.get(conversationId) === next) this.byConversation.delete(conversationId);
      });
    this.byConversation.set(conversationId, next);
    return next;
  }
}
