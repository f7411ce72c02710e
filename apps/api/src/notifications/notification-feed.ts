import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EVENT_STORE, headPosition } from '@helpdesk/event-store';
import type { AllSubscription, EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import type { FastifyInstance } from 'fastify';
import { waitForReadModels } from '../graphql/read-your-writes.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { type Notification, topicOf } from './notification-topics.js';
import { ANNOUNCED_EVENT_TYPES, notificationsOf } from './notifications-of-event.js';

/** How long an event waits for the read models before it is announced anyway (without a preview). */
const READ_MODELS_WAIT_MS = 5_000;
/** Once they lag, a short look per event, so a backlog of announcements does not pile up behind them. */
const LAGGING_WAIT_MS = 100;
const RESUBSCRIBE_AFTER_MS = 1_000;

/**
 * Follows `$all` from where it stood at start-up and announces conversation events to this
 * instance's subscribers once the read models include them, so a client that re-queries sees
 * them. Every API instance follows the store itself, so each serves its own WebSocket clients
 * with no broker between instances, whether the read models run here or in the projector.
 */
@Injectable()
export class NotificationFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private subscription: AllSubscription | undefined;
  private following: Promise<void> | undefined;
  private closed = false;
  private lagging = false;
  private failing = false;
  private wakeOnClose: () => void = () => undefined;
  private readonly published: Counter;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
    private readonly adapterHost: HttpAdapterHost,
    metrics: MetricsRegistry,
  ) {
    this.published = metrics.counter(
      'graphql_notifications_published_total',
      'Notifications published to subscribers, by subscription',
      ['subscription'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // Resolved now, not when the subscription first pulls, so nothing written after start-up is
    // missed; an event store that is down must not stop the start (the feed catches up later).
    const head = await this.head().catch(() => undefined);
    this.following = this.follow(head === null ? 'start' : head);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.wakeOnClose();
    await this.subscription?.close();
    await this.following;
  }

  private async follow(from: Position | 'start' | undefined): Promise<void> {
    let last = from;
    const filter = { on: 'eventType' as const, regex: `^(${[...ANNOUNCED_EVENT_TYPES].join('|')})$` };
    while (!this.closed) {
      try {
        last ??= (await this.head()) ?? 'start';
        this.subscription = this.store.subscribeToAll({ fromPosition: last, filter });
        for await (const message of this.subscription) {
          if (this.failing) this.logger.log('The notification feed follows the event store again');
          this.failing = false;
          if (message.kind !== 'event') continue;
          await this.announce(message.event);
          last = message.event.position;
        }
      } catch (error) {
        if (this.closed) return;
        if (!this.failing)
          this.logger.error({
            msg: 'The notification feed cannot follow the event store: retrying every second',
            err: error,
          });
        this.failing = true;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RESUBSCRIBE_AFTER_MS);
          this.wakeOnClose = () => (clearTimeout(timer), resolve());
        });
      }
    }
  }

  private async announce(event: RecordedEvent): Promise<void> {
    try {
      const confirmed = await this.readModelsInclude(event.position);
      for (const notification of await notificationsOf(event, this.readStore.db, confirmed)) this.publish(notification);
    } catch (error) {
      // One event that cannot be announced must not stop the announcements that follow.
      this.logger.error({ msg: 'Cannot announce an event', type: event.type, stream: event.streamName, err: error });
    }
  }

  private async readModelsInclude(position: Position): Promise<boolean> {
    try {
      await waitForReadModels(this.projections, position, this.lagging ? LAGGING_WAIT_MS : READ_MODELS_WAIT_MS);
      if (this.lagging) this.logger.log('The read models caught up: notifications are confirmed again');
      this.lagging = false;
      return true;
    } catch {
      if (!this.lagging)
        this.logger.warn('The read models lag or have stopped: notifications go out unconfirmed, without previews');
      this.lagging = true;
      return false;
    }
  }

  private publish(notification: Notification): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const payload = { portalId: notification.portalId, [notification.kind]: notification.body };
    void fastify.graphql.pubsub.publish({ topic: topicOf(notification.kind, notification.portalId), payload });
    this.published.inc({ subscription: notification.kind });
  }

  private async head(): Promise<Position | null> {
    return headPosition(this.store);
  }
}
