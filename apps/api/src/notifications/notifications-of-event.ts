import { type HelpdeskEventOf, type HelpdeskEventType, conversationIdFromStreamName } from '@helpdesk/domain';
import type { Position, RecordedEvent } from '@helpdesk/event-store';
import { handledEvents } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { threadMessageId } from '@helpdesk/projections/thread/index.js';
import { DISPATCH_EVENT_TYPES } from '@helpdesk/projections/thread/thread-delivery.js';
import { getTicket } from '@helpdesk/projections/ticket-list/index.js';
import { previewOf } from '@helpdesk/projections/ticket-list/message-preview.js';
import { formatPosition } from '../graphql/positions.js';
import { TicketStatus } from '../conversation/ticket.model.js';
import type { MessageDeliveryModel, MessageDispatchModel } from '../conversation/message-delivery.model.js';
import { TicketChangeKind } from './notification.models.js';
import type { Notification } from './notification-topics.js';
import { isShowable, threadMessageOf } from './showable-message.reader.js';

/** The conversation events agents are told about, and how each changes its ticket. */
export const NOTIFYING_EVENTS = {
  InboundMessageReceived: TicketChangeKind.MESSAGE_RECEIVED,
  UnsupportedMessageReceived: TicketChangeKind.MESSAGE_RECEIVED,
  TicketOpened: TicketChangeKind.OPENED,
  TicketAssigned: TicketChangeKind.ASSIGNED,
  TicketClosed: TicketChangeKind.CLOSED,
  TicketReopened: TicketChangeKind.REOPENED,
  ReplyAccepted: TicketChangeKind.MESSAGE_SENT,
  TemplateMessageAccepted: TicketChangeKind.MESSAGE_SENT,
  // Every agent's list shows the unread count: one agent's read must reach the others' screens.
  ConversationMarkedRead: TicketChangeKind.READ,
} as const satisfies { readonly [Type in NotifyingEvent['type']]: TicketChangeKind };

type NotifyingEvent = HelpdeskEventOf<
  | 'InboundMessageReceived'
  | 'UnsupportedMessageReceived'
  | 'TicketOpened'
  | 'TicketAssigned'
  | 'TicketClosed'
  | 'TicketReopened'
  | 'ReplyAccepted'
  | 'TemplateMessageAccepted'
  | 'ConversationMarkedRead'
>;

const isNotifying = handledEvents<NotifyingEvent>({
  eventTypes: Object.keys(NOTIFYING_EVENTS) as NotifyingEvent['type'][],
});

/** What changes an outbound message's delivery or dispatch, as the thread shows them (`messageDeliveryChanged`). */
export const DELIVERY_EVENT_TYPES = [
  'OutboundWamidRecorded',
  'DeliveryStatusRecorded',
  'DeliveryTimeRecorded',
  ...DISPATCH_EVENT_TYPES,
] as const satisfies readonly HelpdeskEventType[];

type DeliveryEvent = HelpdeskEventOf<(typeof DELIVERY_EVENT_TYPES)[number]>;

const isDeliveryChange = handledEvents<DeliveryEvent>({ eventTypes: DELIVERY_EVENT_TYPES });

/** Every event type some subscription announces: what the feed follows and a resume reads. */
export const ANNOUNCED_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(NOTIFYING_EVENTS),
  ...DELIVERY_EVENT_TYPES,
]);

interface EventFacts {
  readonly ticketId?: string | null;
  readonly messageId?: string;
  readonly sentAt?: string;
}

/**
 * What one event tells agents, read from the read models once they include it (`confirmed`), so
 * a client that re-queries sees the same thing. The portal is the event's own (its tenant, which
 * must also prefix its conversation id); a preview is only given once the thread read model
 * confirms the message is not quarantined.
 */
export async function notificationsOf(
  event: RecordedEvent,
  db: ReadDatabase,
  confirmed: boolean,
): Promise<Notification[]> {
  const portalId = event.metadata.tenantId;
  const conversationId = conversationIdFromStreamName(event.streamName);
  if (!portalId || !conversationId?.startsWith(`${portalId}-`)) return [];
  if (isDeliveryChange(event))
    return [await deliveryChangeOf(event, db, confirmed, portalId, conversationId, event.position)];
  if (!isNotifying(event)) return [];
  const change: TicketChangeKind = NOTIFYING_EVENTS[event.type];
  const { ticketId, messageId, sentAt }: EventFacts = event.data;
  if (!ticketId) return [];
  const position = formatPosition(event.position);
  const notifications: Notification[] = [];
  if ((event.type === 'InboundMessageReceived' || event.type === 'UnsupportedMessageReceived') && messageId && sentAt) {
    const preview =
      confirmed && (await isShowable(db, portalId, threadMessageId(conversationId, messageId)))
        ? previewOf(event)
        : null;
    notifications.push({
      kind: 'messageReceived',
      portalId,
      body: { conversationId, ticketId, messageId, preview, sentAt, position },
    });
  }
  const ticket = await getTicket(db, portalId, ticketId);
  if (ticket) {
    const status = ticket.status === 'open' ? TicketStatus.OPEN : TicketStatus.CLOSED;
    const { ownerId, unreadCount, updatedAt } = ticket;
    notifications.push({
      kind: 'ticketChanged',
      portalId,
      body: { ticketId, conversationId, change, status, ownerId, unreadCount, updatedAt, position },
    });
  }
  return notifications;
}

/** The message's delivery and dispatch right after the change, once the thread read model includes it. */
async function deliveryChangeOf(
  event: DeliveryEvent,
  db: ReadDatabase,
  confirmed: boolean,
  portalId: string,
  conversationId: string,
  position: Position,
): Promise<Notification> {
  const { messageId } = event.data;
  const message = confirmed
    ? await threadMessageOf(db, portalId, threadMessageId(conversationId, messageId))
    : undefined;
  return {
    kind: 'messageDeliveryChanged',
    portalId,
    body: {
      conversationId,
      messageId,
      delivery: (message?.delivery ?? null) as MessageDeliveryModel | null,
      dispatch: (message?.dispatch ?? null) as MessageDispatchModel | null,
      position: formatPosition(position),
    },
  };
}
