import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EVENT_STORE, type AllSubscription, type EventStore, type Position, headPosition } from '@helpdesk/event-store';
import type { RecordedEvent } from '@helpdesk/event-store';
import { campaignKeyOfMessage, getCampaignByKey } from '@helpdesk/projections/campaigns/index.js';
import { ReadStore } from '@helpdesk/read-store';
import type { FastifyInstance } from 'fastify';
import { waitForReadModels } from '../graphql/read-your-writes.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { type CampaignProgressPublished, campaignModelOf, campaignTopicOf } from './campaign.model.js';

/** The events that change a campaign's progress: its own, and Meta's answers to its messages. */
const PROGRESS_EVENTS = [
  'CampaignStarted',
  'CampaignRecipientAccepted',
  'CampaignRecipientRefused',
  'CampaignStopped',
  'CampaignCancelled',
  'CampaignCompleted',
  'OutboundWamidRecorded',
  'OutboundMessageFailed',
  'DeliveryStatusRecorded',
];
const READ_MODELS_WAIT_MS = 5_000;
const RESUBSCRIBE_AFTER_MS = 1_000;

/**
 * Publishes a campaign's progress, as `campaign(id)` reads it, once the read model includes each
 * change, to this instance's `campaignProgress` subscribers (a topic per portal). Every API
 * instance follows the store itself, as the notification feed does.
 */
@Injectable()
export class CampaignProgressFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CampaignProgress');
  private subscription: AllSubscription | undefined;
  private following: Promise<void> | undefined;
  private closed = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const head = await headPosition(this.store).catch(() => undefined);
    this.following = this.follow(head ?? 'start');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.subscription?.close();
    await this.following;
  }

  private async follow(from: Position | 'start'): Promise<void> {
    let last = from;
    const filter = { on: 'eventType' as const, regex: `^(${PROGRESS_EVENTS.join('|')})$` };
    while (!this.closed) {
      try {
        this.subscription = this.store.subscribeToAll({ fromPosition: last, filter });
        for await (const message of this.subscription) {
          if (message.kind !== 'event') continue;
          await this.announce(message.event);
          last = message.event.position;
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.error({ msg: 'The campaign progress feed cannot follow the event store: retrying', err: error });
        await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_AFTER_MS));
      }
    }
  }

  private async announce(event: RecordedEvent): Promise<void> {
    try {
      const campaignKey = event.type.startsWith('Campaign')
        ? event.streamName
        : await campaignKeyOfMessage(this.readStore.db, (event.data as { messageId: string }).messageId);
      if (campaignKey === null) return;
      await waitForReadModels(this.projections, event.position, READ_MODELS_WAIT_MS);
      const row = await getCampaignByKey(this.readStore.db, campaignKey);
      if (!row) return;
      const payload: CampaignProgressPublished = { portalId: row.portalId, campaignProgress: campaignModelOf(row) };
      const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
      await fastify.graphql.pubsub.publish({ topic: campaignTopicOf(row.portalId), payload });
    } catch (error) {
      // One event that cannot be announced must not stop those that follow.
      this.logger.error({ msg: 'Cannot announce campaign progress', type: event.type, err: error });
    }
  }
}
