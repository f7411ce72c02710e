import { conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess, Projection } from '../core/projection.js';
import { ConversationRow, QUARANTINED_PREVIEW, TicketRow } from './ticket-list.documents.js';
import { previewOf } from './message-preview.js';
import { TICKET_COUNTS, type TicketCountRow, recountTicket } from './ticket-counts.js';

type Data = Record<string, string | null | undefined>;

const TICKETS = 'tickets';
const CONVERSATIONS = 'conversations';

/**
 * The agents' ticket list: status, owner, channel, contact, preview, session and unread count per
 * ticket, and how many tickets each portal has per status, owner and latest-message direction.
 */
export const ticketListProjection: Projection = {
  name: 'ticket_list',
  version: 2,
  eventTypes: [
    'ConversationStarted', 'TicketOpened', 'TicketAssigned', 'TicketClosed', 'TicketReopened',
    'InboundMessageReceived', 'UnsupportedMessageReceived', 'ReplyAccepted', 'TemplateMessageAccepted',
    'SessionOpened', 'SessionExtended', 'SessionClosed', 'ContactAssociated', 'MessageQuarantined',
  ],
  tables: [
    {
      name: TICKETS,
      columns: {
        portal_id: 'text', conversation_id: 'text', status: 'text', owner_id: 'text', phone_number_id: 'text',
        contact_phone: 'text', contact_id: 'text', session_expires_at: 'text', created_at: 'text',
        updated_at: 'text', last_inbound_at: 'text', last_direction: 'text',
      },
      // Pages walk these in (updated_at, id) order: one per default view's filter, so no page sorts or skips rows.
      indexes: [
        ['portal_id', 'status', 'updated_at', 'id'],
        ['portal_id', 'status', 'owner_id', 'updated_at', 'id'],
        ['portal_id', 'last_direction', 'updated_at', 'id'],
        ['portal_id', 'owner_id', 'updated_at', 'id'],
        ['portal_id', 'updated_at', 'id'],
        ['conversation_id'],
      ],
    },
    { name: CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
    {
      name: TICKET_COUNTS,
      columns: { portal_id: 'text', status: 'text', owner_id: 'text', last_direction: 'text', tickets: 'integer' },
      indexes: [['portal_id']],
    },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === CONVERSATIONS) return { portal_id: (document as unknown as ConversationRow).portalId };
    if (table === TICKET_COUNTS) {
      const count = document as unknown as TicketCountRow;
      return { portal_id: count.portalId, status: count.status, owner_id: count.ownerId, last_direction: count.lastMessageDirection, tickets: count.tickets };
    }
    const ticket = document as unknown as TicketRow;
    return {
      portal_id: ticket.portalId, conversation_id: ticket.conversationId, status: ticket.status, owner_id: ticket.ownerId,
      phone_number_id: ticket.phoneNumberId, contact_phone: ticket.contactPhone, contact_id: ticket.contactId,
      session_expires_at: ticket.sessionExpiresAt, created_at: ticket.createdAt, updated_at: ticket.updatedAt,
      last_inbound_at: ticket.lastInboundAt, last_direction: ticket.lastMessageDirection,
    };
  },
  async project(event, access) {
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    if (event.type === 'ConversationStarted') return startConversation(event, access);
    const conversation = await access.get<ConversationRow & Document>(CONVERSATIONS, conversationId);
    if (!conversation) return;
    const changed = conversationChange(event, conversation);
    if (changed !== conversation) access.put(CONVERSATIONS, conversationId, changed as unknown as Document);
    const ticketId = (event.data as Data).ticketId ?? changed.currentTicketId;
    if (!ticketId) return;
    const opened = event.type === 'TicketOpened';
    const ticket = opened ? newTicket(changed, ticketId, event) : await access.get<TicketRow & Document>(TICKETS, ticketId);
    if (!ticket) return;
    const updated: TicketRow = { ...ticketChange(event, ticket, changed), updatedAt: event.created.toISOString() };
    access.put(TICKETS, ticketId, updated as unknown as Document);
    await recountTicket(access, opened ? null : ticket, updated);
  },
};

function startConversation(event: RecordedEvent, access: DocumentAccess): void {
  const data = event.data as Data;
  const row: ConversationRow = {
    conversationId: data.conversationId!, portalId: data.portalId!, phoneNumberId: data.phoneNumberId!,
    businessPhone: data.businessPhone!, contactPhone: data.contactPhone!, contactId: null, currentTicketId: null, sessionExpiresAt: null,
  };
  access.put(CONVERSATIONS, row.conversationId, row as unknown as Document);
}

function conversationChange(event: RecordedEvent, conversation: ConversationRow): ConversationRow {
  const data = event.data as Data;
  switch (event.type) {
    case 'TicketOpened':
      return { ...conversation, currentTicketId: data.ticketId! };
    case 'SessionOpened':
    case 'SessionExtended':
      return { ...conversation, sessionExpiresAt: data.expiresAt! };
    case 'SessionClosed':
      return { ...conversation, sessionExpiresAt: null };
    case 'ContactAssociated':
      return { ...conversation, contactId: data.contactId! };
    default:
      return conversation;
  }
}

function newTicket(conversation: ConversationRow, ticketId: string, event: RecordedEvent): TicketRow {
  const at = (event.data as Data).openedAt ?? event.created.toISOString();
  return {
    ticketId, portalId: conversation.portalId, conversationId: conversation.conversationId, status: 'open', ownerId: null,
    sourceChannelType: 'whatsapp', phoneNumberId: conversation.phoneNumberId, businessPhone: conversation.businessPhone,
    contactPhone: conversation.contactPhone, contactId: conversation.contactId, preview: null, lastMessageId: null,
    sessionExpiresAt: conversation.sessionExpiresAt, unreadCount: 0, createdAt: at, updatedAt: at, lastInboundAt: null,
    lastMessageDirection: null,
  };
}

function ticketChange(event: RecordedEvent, ticket: TicketRow, conversation: ConversationRow): TicketRow {
  const data = event.data as Data;
  const withSession = { ...ticket, sessionExpiresAt: conversation.sessionExpiresAt, contactId: conversation.contactId };
  switch (event.type) {
    case 'TicketAssigned':
      return { ...withSession, ownerId: data.to ?? null };
    case 'TicketClosed':
      return { ...withSession, status: 'closed' };
    case 'TicketReopened':
      return { ...withSession, status: 'open' };
    case 'InboundMessageReceived':
    case 'UnsupportedMessageReceived':
      return {
        ...withSession, preview: previewOf(event), lastMessageId: data.messageId!, unreadCount: ticket.unreadCount + 1,
        lastInboundAt: data.sentAt!, lastMessageDirection: 'inbound',
      };
    case 'ReplyAccepted':
    case 'TemplateMessageAccepted':
      return { ...withSession, preview: previewOf(event), lastMessageId: data.messageId!, unreadCount: 0, lastMessageDirection: 'outbound' };
    case 'MessageQuarantined':
      return data.messageId === ticket.lastMessageId ? { ...withSession, preview: QUARANTINED_PREVIEW } : withSession;
    default:
      return withSession;
  }
}
