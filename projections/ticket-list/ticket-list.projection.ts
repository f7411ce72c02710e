import {
  type ConversationStarted,
  type HelpdeskEventOf,
  type HelpdeskEventType,
  type TicketOpened,
  conversationIdFromStreamName,
} from '@helpdesk/domain';
import type { ColumnValues, DocumentAccess, Projection, ProjectedEvent, TableDocument } from '../core/projection.js';
import type { ConversationRow, NumberAccount, TicketRow } from './ticket-list.documents.js';
import { QUARANTINED_PREVIEW } from './ticket-list.documents.js';
import { previewOf } from './message-preview.js';
import {
  CONTACT_COUNTS,
  type CountRows,
  NUMBER_COUNTS,
  TICKET_COUNTS,
  countColumns,
  recountTicket,
} from './ticket-counts.js';

const TICKETS = 'tickets';
const COUNTED = {
  portal_id: 'text',
  status: 'text',
  owner_id: 'text',
  last_direction: 'text',
  tickets: 'integer',
} as const;
const CONVERSATIONS = 'conversations';
const NUMBER_ACCOUNTS = 'number_accounts';

const TICKET_LIST_EVENTS = [
  'ConversationStarted',
  'TicketOpened',
  'TicketAssigned',
  'TicketClosed',
  'TicketReopened',
  'InboundMessageReceived',
  'UnsupportedMessageReceived',
  'ReplyAccepted',
  'TemplateMessageAccepted',
  'SessionOpened',
  'SessionExtended',
  'SessionClosed',
  'ContactAssociated',
  'ContactMatchAmbiguous',
  'MessageQuarantined',
  'ConversationMarkedRead',
  'PhoneNumberAdded',
] as const satisfies readonly HelpdeskEventType[];

export type TicketListEvent = HelpdeskEventOf<(typeof TICKET_LIST_EVENTS)[number]>;
/** The events of a conversation after its start: each changes the conversation's row, its ticket's, or both. */
type ConversationStep = ProjectedEvent<Exclude<TicketListEvent, { type: 'ConversationStarted' | 'PhoneNumberAdded' }>>;

export type TicketListRows = {
  readonly tickets: TicketRow;
  readonly conversations: ConversationRow;
  readonly number_accounts: NumberAccount;
} & CountRows;

/**
 * The agents' ticket list: status, owner, channel, contact, preview, session and unread count per
 * ticket, and how many tickets each portal has per status, owner and latest-message direction,
 * also per account and business number, and per contact: every view filter is counted from these.
 * Version 3 added the account (and the counts by number and by contact); version 4 the contacts an
 * agent chooses among when several share the number.
 */
export const ticketListProjection: Projection<TicketListEvent, TicketListRows> = {
  name: 'ticket_list',
  version: 4,
  eventTypes: TICKET_LIST_EVENTS,
  tables: [
    {
      name: TICKETS,
      columns: {
        portal_id: 'text',
        conversation_id: 'text',
        status: 'text',
        owner_id: 'text',
        phone_number_id: 'text',
        account_id: 'text',
        business_phone: 'text',
        contact_phone: 'text',
        contact_id: 'text',
        session_expires_at: 'text',
        created_at: 'text',
        updated_at: 'text',
        last_inbound_at: 'text',
        last_direction: 'text',
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
    { name: NUMBER_ACCOUNTS, columns: { account_id: 'text' }, indexes: [] },
    {
      name: TICKET_COUNTS,
      columns: { portal_id: 'text', status: 'text', owner_id: 'text', last_direction: 'text', tickets: 'integer' },
      indexes: [['portal_id']],
    },
    {
      name: NUMBER_COUNTS,
      columns: { ...COUNTED, account_id: 'text', business_phone: 'text' },
      indexes: [
        ['portal_id', 'account_id'],
        ['portal_id', 'business_phone'],
      ],
    },
    {
      name: CONTACT_COUNTS,
      columns: { ...COUNTED, account_id: 'text', business_phone: 'text', contact_id: 'text' },
      indexes: [['portal_id', 'contact_id']],
    },
  ],
  columnsOf(entry: TableDocument<TicketListRows>): ColumnValues {
    switch (entry.table) {
      case CONVERSATIONS:
        return { portal_id: entry.document.portalId };
      case NUMBER_ACCOUNTS:
        return { account_id: entry.document.accountId };
      case TICKETS: {
        const ticket = entry.document;
        return {
          portal_id: ticket.portalId,
          conversation_id: ticket.conversationId,
          status: ticket.status,
          owner_id: ticket.ownerId,
          phone_number_id: ticket.phoneNumberId,
          account_id: ticket.accountId,
          business_phone: ticket.businessPhone,
          contact_phone: ticket.contactPhone,
          contact_id: ticket.contactId,
          session_expires_at: ticket.sessionExpiresAt,
          created_at: ticket.createdAt,
          updated_at: ticket.updatedAt,
          last_inbound_at: ticket.lastInboundAt,
          last_direction: ticket.lastMessageDirection,
        };
      }
      default:
        return countColumns(entry.table, entry.document);
    }
  },
  async project(event, access) {
    if (event.type === 'PhoneNumberAdded') {
      const { phoneNumberId, accountId } = event.data;
      return access.put(NUMBER_ACCOUNTS, phoneNumberId, { phoneNumberId, accountId });
    }
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    if (event.type === 'ConversationStarted') return startConversation(event, access);
    const conversation = await access.get(CONVERSATIONS, conversationId);
    if (!conversation) return;
    const changed = conversationChange(event, conversation);
    if (changed !== conversation) access.put(CONVERSATIONS, conversationId, changed);
    const ticketId = ('ticketId' in event.data ? event.data.ticketId : undefined) ?? changed.currentTicketId;
    if (!ticketId) return;
    const opened = event.type === 'TicketOpened';
    const ticket = opened ? newTicket(changed, ticketId, event) : await access.get(TICKETS, ticketId);
    if (!ticket) return;
    // Reading a ticket is not activity on it: the list's order (newest activity first) stays.
    const updatedAt = event.type === 'ConversationMarkedRead' ? ticket.updatedAt : event.created.toISOString();
    const updated: TicketRow = { ...ticketChange(event, ticket, changed), updatedAt };
    access.put(TICKETS, ticketId, updated);
    await recountTicket(access, opened ? null : ticket, updated);
  },
};

async function startConversation(
  { data }: ProjectedEvent<ConversationStarted>,
  access: DocumentAccess<TicketListRows>,
): Promise<void> {
  const number = await access.get(NUMBER_ACCOUNTS, data.phoneNumberId);
  const row: ConversationRow = {
    conversationId: data.conversationId,
    portalId: data.portalId,
    phoneNumberId: data.phoneNumberId,
    accountId: number?.accountId ?? null,
    businessPhone: data.businessPhone,
    contactPhone: data.contactPhone,
    contactId: null,
    currentTicketId: null,
    sessionExpiresAt: null,
  };
  access.put(CONVERSATIONS, row.conversationId, row);
}

function conversationChange(event: ConversationStep, conversation: ConversationRow): ConversationRow {
  switch (event.type) {
    case 'TicketOpened':
      return { ...conversation, currentTicketId: event.data.ticketId };
    case 'SessionOpened':
    case 'SessionExtended':
      return { ...conversation, sessionExpiresAt: event.data.expiresAt };
    case 'SessionClosed':
      return { ...conversation, sessionExpiresAt: null };
    case 'ContactAssociated':
      return { ...conversation, contactId: event.data.contactId, contactCandidateIds: [] };
    case 'ContactMatchAmbiguous':
      return { ...conversation, contactCandidateIds: event.data.candidateContactIds };
    default:
      return conversation;
  }
}

function newTicket(conversation: ConversationRow, ticketId: string, event: ProjectedEvent<TicketOpened>): TicketRow {
  const at = event.data.openedAt ?? event.created.toISOString();
  return {
    ticketId,
    portalId: conversation.portalId,
    conversationId: conversation.conversationId,
    status: 'open',
    ownerId: null,
    sourceChannelType: 'whatsapp',
    phoneNumberId: conversation.phoneNumberId,
    accountId: conversation.accountId ?? null,
    businessPhone: conversation.businessPhone,
    contactPhone: conversation.contactPhone,
    contactId: conversation.contactId,
    contactCandidateIds: conversation.contactCandidateIds ?? [],
    preview: null,
    lastMessageId: null,
    sessionExpiresAt: conversation.sessionExpiresAt,
    unreadCount: 0,
    createdAt: at,
    updatedAt: at,
    lastInboundAt: null,
    lastMessageDirection: null,
  };
}

function ticketChange(event: ConversationStep, ticket: TicketRow, conversation: ConversationRow): TicketRow {
  const withSession = {
    ...ticket,
    sessionExpiresAt: conversation.sessionExpiresAt,
    contactId: conversation.contactId,
    contactCandidateIds: conversation.contactCandidateIds ?? [],
  };
  switch (event.type) {
    case 'TicketAssigned':
      return { ...withSession, ownerId: event.data.to ?? null };
    case 'TicketClosed':
      return { ...withSession, status: 'closed' };
    case 'TicketReopened':
      return { ...withSession, status: 'open' };
    case 'InboundMessageReceived':
    case 'UnsupportedMessageReceived':
      return {
        ...withSession,
        preview: previewOf(event),
        lastMessageId: event.data.messageId,
        unreadCount: ticket.unreadCount + 1,
        lastInboundAt: event.data.sentAt,
        lastMessageDirection: 'inbound',
        ...(event.data.profileName !== undefined && { contactProfileName: event.data.profileName }),
      };
    case 'ReplyAccepted':
    case 'TemplateMessageAccepted':
      return {
        ...withSession,
        preview: previewOf(event),
        lastMessageId: event.data.messageId,
        unreadCount: 0,
        lastMessageDirection: 'outbound',
      };
    case 'ConversationMarkedRead':
      return { ...withSession, unreadCount: 0 };
    case 'MessageQuarantined':
      return event.data.messageId === ticket.lastMessageId
        ? { ...withSession, preview: QUARANTINED_PREVIEW }
        : withSession;
    default:
      return withSession;
  }
}
