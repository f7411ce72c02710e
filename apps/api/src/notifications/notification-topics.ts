import type { MessageDeliveryChangedModel, MessageReceivedModel, TicketChangedModel } from './notification.models.js';

export type NotificationKind = 'messageReceived' | 'ticketChanged' | 'messageDeliveryChanged';

/** What is published: the portal travels beside the fields, never in them, and is checked again on delivery. */
export type Notification =
  | { readonly kind: 'messageReceived'; readonly portalId: string; readonly body: MessageReceivedModel }
  | { readonly kind: 'ticketChanged'; readonly portalId: string; readonly body: TicketChangedModel }
  | {
      readonly kind: 'messageDeliveryChanged';
      readonly portalId: string;
      readonly body: MessageDeliveryChangedModel;
    };

/**
 * One topic per portal and kind, so a subscriber is only ever handed its own portal's events.
 * Mercurius's emitter treats `/`, `+` and `#` in topics as levels and wildcards: the portal id is
 * encoded so that no id, however odd, can widen a subscription to other portals.
 */
export function topicOf(kind: NotificationKind, portalId: string): string {
  return `${kind}.${Buffer.from(portalId, 'utf8').toString('base64url')}`;
}
