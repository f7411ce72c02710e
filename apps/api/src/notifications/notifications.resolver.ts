import { Inject } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { badUserInput } from '../graphql/api-error.js';
import { parsePosition } from '../graphql/positions.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { LiveDeliveries, type Published } from './live-deliveries.js';
import { missedNotifications } from './missed-notifications.js';
import {
  MessageDeliveryChangedModel,
  MessageReceivedModel,
  NotificationArgs,
  TicketChangedModel,
} from './notification.models.js';
import { type NotificationKind, topicOf } from './notification-topics.js';
import type { SubscriberContext } from './subscription-auth.js';

/** Mercurius's per-subscription context: its pubsub, and what onConnect accepted. */
interface SubscriptionContext extends SubscriberContext {
  readonly pubsub: { subscribe(topic: string): Promise<AsyncIterable<Published> & { destroy(): void }> };
}

/** "New messages notify the agents": live events of the caller's portal, over WebSocket. */
@Resolver()
@Roles('agent', 'admin')
export class NotificationsResolver {
  private readonly started: Counter;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
    metrics: MetricsRegistry,
  ) {
    this.started = metrics.counter(
      'graphql_subscriptions_started_total',
      'GraphQL subscriptions started, by subscription',
      ['subscription'],
    );
  }

  @Subscription(() => MessageReceivedModel, {
    description: "A contact's new message in the caller's portal, once the ticket list and thread include it.",
  })
  messageReceived(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: NotificationArgs,
    @Context() context: SubscriptionContext,
  ): Promise<AsyncIterableIterator<Published>> {
    return this.deliveries('messageReceived', user, args, context);
  }

  @Subscription(() => TicketChangedModel, {
    description:
      "A ticket of the caller's portal opened, assigned, closed, reopened, or with a new message; its state after the change.",
  })
  ticketChanged(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: NotificationArgs,
    @Context() context: SubscriptionContext,
  ): Promise<AsyncIterableIterator<Published>> {
    return this.deliveries('ticketChanged', user, args, context);
  }

  @Subscription(() => MessageDeliveryChangedModel, {
    description:
      "An outbound message of the caller's portal changed delivery (Meta's sent, delivered, read, played, failed) or dispatch; " +
      'its state after the change, once the thread includes it.',
  })
  messageDeliveryChanged(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: NotificationArgs,
    @Context() context: SubscriptionContext,
  ): Promise<AsyncIterableIterator<Published>> {
    return this.deliveries('messageDeliveryChanged', user, args, context);
  }

  private async deliveries(
    kind: NotificationKind,
    user: AuthenticatedUser,
    args: NotificationArgs,
    context: SubscriptionContext,
  ): Promise<AsyncIterableIterator<Published>> {
    const after = args.afterPosition ? parsePosition(args.afterPosition) : null;
    if (args.afterPosition && !after) {
      throw badUserInput([
        { field: 'afterPosition', messages: ['afterPosition must be the `position` of a notification'] },
      ]);
    }
    const scope = {
      kind,
      portalId: user.portalId,
      ...(args.conversationId && { conversationId: args.conversationId }),
    };
    // Live first, then what was missed: an event announced meanwhile is in one or both, never in neither.
    const source = await context.pubsub.subscribe(topicOf(kind, user.portalId));
    let resume;
    try {
      resume = after
        ? { after, missed: await missedNotifications(this.store, this.readStore.db, this.projections, scope, after) }
        : undefined;
    } catch (error) {
      source.destroy();
      throw error;
    }
    this.started.inc({ subscription: kind });
    return new LiveDeliveries(source, {
      ...scope,
      expiresAt: context.accessExpiresAt,
      now: () => this.clock.now(),
      ...(resume && { resume }),
    });
  }
}
