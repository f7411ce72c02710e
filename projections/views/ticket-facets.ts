import { type ConversationStarted, type PhoneNumberAdded, conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess } from '../core/projection.js';
import type { FacetsConversation, MessageDirection, NumberAccount, TicketFacets } from './views.documents.js';

export const TICKET_FACETS = 'ticket_facets';
export const FACETS_CONVERSATIONS = 'conversations';
export const NUMBER_ACCOUNTS = 'number_accounts';

/** The message events, by the direction they give a ticket's latest message (as the ticket list's preview). */
const DIRECTIONS: Readonly<Record<string, MessageDirection>> = {
  InboundMessageReceived: 'inbound',
  UnsupportedMessageReceived: 'inbound',
  ReplyAccepted: 'outbound',
  TemplateMessageAccepted: 'outbound',
};

export const FACET_EVENT_TYPES = ['PhoneNumberAdded', 'ConversationStarted', 'TicketOpened', ...Object.keys(DIRECTIONS)];

type Data = Record<string, string | null | undefined>;

export async function projectFacetEvent(event: RecordedEvent, access: DocumentAccess): Promise<void> {
  if (event.type === 'PhoneNumberAdded') {
    const { phoneNumberId, accountId } = event.data as PhoneNumberAdded['data'];
    const row: NumberAccount = { phoneNumberId, accountId };
    return access.put(NUMBER_ACCOUNTS, phoneNumberId, row as unknown as Document);
  }
  const conversationId = conversationIdFromStreamName(event.streamName);
  if (!conversationId) return;
  if (event.type === 'ConversationStarted') return startConversation(event.data as ConversationStarted['data'], access);
  const conversation = await access.get<FacetsConversation & Document>(FACETS_CONVERSATIONS, conversationId);
  if (!conversation) return;
  const data = event.data as Data;
  if (event.type === 'TicketOpened') return openTicket(conversation, data.ticketId!, access);
  const ticketId = data.ticketId ?? conversation.currentTicketId;
  const facets = ticketId ? await access.get<TicketFacets & Document>(TICKET_FACETS, ticketId) : null;
  const direction = DIRECTIONS[event.type];
  if (facets && direction && facets.lastMessageDirection !== direction) {
    access.put(TICKET_FACETS, facets.ticketId, { ...facets, lastMessageDirection: direction });
  }
}

async function startConversation(data: ConversationStarted['data'], access: DocumentAccess): Promise<void> {
  const { conversationId, portalId, phoneNumberId, businessPhone } = data;
  const number = await access.get<NumberAccount & Document>(NUMBER_ACCOUNTS, phoneNumberId);
  const row: FacetsConversation = { conversationId, portalId, accountId: number?.accountId ?? null, businessPhone, currentTicketId: null };
  access.put(FACETS_CONVERSATIONS, conversationId, row as unknown as Document);
}

function openTicket(conversation: FacetsConversation, ticketId: string, access: DocumentAccess): void {
  const { conversationId, portalId, accountId, businessPhone } = conversation;
  access.put(FACETS_CONVERSATIONS, conversationId, { ...conversation, currentTicketId: ticketId });
  const facets: TicketFacets = { ticketId, portalId, conversationId, accountId, businessPhone, lastMessageDirection: null };
  access.put(TICKET_FACETS, ticketId, facets as unknown as Document);
}
