import { Module } from '@nestjs/common';
import { NotificationFeed } from './notification-feed.js';
import { NotificationsResolver } from './notifications.resolver.js';

/** GraphQL subscriptions: `messageReceived`, `ticketChanged` and `messageDeliveryChanged`, fed by following the event store. */
@Module({ providers: [NotificationFeed, NotificationsResolver] })
export class NotificationsModule {}
