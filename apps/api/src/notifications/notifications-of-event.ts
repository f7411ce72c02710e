import { type HelpdeskEventOf, conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import { handledEvents } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { threadMessageId } from '@helpdesk/projections/thread/index.js';
import { getTicket } from '@helpdesk/projections/ticket-list/index.js';
import { previewOf } from '@helpdesk/projections/ticket-list/message-preview.js';
import { formatPosition } from '../graphql/positions.js';
import { TicketStatus } from '../conversation/ticket.model.js';
import { TicketChangeKind } from './notification.models.js';
import type { Notification } from './notification-topics.js';
import { isShowable } from './showable-message.reader.js';

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
  if (!isNotifying(event)) return [];
  const change: TicketChangeKind = NOTIFYING_EVENTS[event.type];
  const portalId = event.metadata.tenantId;
  const conversationId = conversationIdFromStreamName(event.streamName);
  if (!portalId || !conversationId?.startsWith(`${portalId}-`)) return [];
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
