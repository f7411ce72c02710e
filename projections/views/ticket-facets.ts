import { type ConversationStarted, type PhoneNumberAdded, conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess } from '../core/projection.js';
import type { FacetsConversation, NumberAccount, TicketFacets } from './views.documents.js';

export const TICKET_FACETS = 'ticket_facets';
export const FACETS_CONVERSATIONS = 'conversations';
export const NUMBER_ACCOUNTS = 'number_accounts';

export const FACET_EVENT_TYPES = ['PhoneNumberAdded', 'ConversationStarted', 'TicketOpened'];

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
  if (event.type === 'TicketOpened') openTicket(conversation, (event.data as { ticketId: string }).ticketId, access);
}

async function startConversation(data: ConversationStarted['data'], access: DocumentAccess): Promise<void> {
  const { conversationId, portalId, phoneNumberId, businessPhone } = data;
  const number = await access.get<NumberAccount & Document>(NUMBER_ACCOUNTS, phoneNumberId);
  const row: FacetsConversation = { conversationId, portalId, accountId: number?.accountId ?? null, businessPhone };
  access.put(FACETS_CONVERSATIONS, conversationId, row as unknown as Document);
}

function openTicket(conversation: FacetsConversation, ticketId: string, access: DocumentAccess): void {
  const { conversationId, portalId, accountId, businessPhone } = conversation;
  const facets: TicketFacets = { ticketId, portalId, conversationId, accountId, businessPhone };
  access.put(TICKET_FACETS, ticketId, facets as unknown as Document);
}
