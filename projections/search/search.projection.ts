import { type ContactCreated, type ContactRenamed, conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess, Projection } from '../core/projection.js';
import { TEXT_MESSAGE_TYPES, messageText } from './message-text.js';

/** One message's searchable text; quarantined messages have no row, so their content is never found. */
export interface SearchMessage {
  readonly messageId: string;
  readonly portalId: string;
  readonly conversationId: string;
  /** The ticket the message belongs to; null only for a message sent while the conversation had none. */
  readonly ticketId: string | null;
  readonly text: string;
}

export interface SearchConversation {
  readonly conversationId: string;
  readonly portalId: string;
  readonly currentTicketId: string | null;
}

/** A contact's name, so tickets are found by the name of the contact they are associated with. */
export interface SearchContact {
  readonly contactId: string;
  readonly portalId: string;
  readonly name: string;
}

export const SEARCH_MESSAGES = 'messages';
export const SEARCH_CONTACTS = 'contacts';
const CONVERSATIONS = 'conversations';

/** Text is searched lower-cased on both sides, so matching ignores case on SQLite and PostgreSQL alike. */
export function searchKey(text: string): string {
  return text.toLowerCase();
}

/** A message's row id: message ids are only promised unique within their conversation. */
function messageRowId(conversationId: string, messageId: string): string {
  return `${conversationId}/${messageId}`;
}

/** What agents search tickets by: message text (never quarantined content) and contact names. */
export const searchProjection: Projection = {
  name: 'search',
  version: 1,
  eventTypes: ['ConversationStarted', 'TicketOpened', ...TEXT_MESSAGE_TYPES, 'MessageQuarantined', 'ContactCreated', 'ContactRenamed'],
  tables: [
    { name: SEARCH_MESSAGES, columns: { portal_id: 'text', ticket_id: 'text', text_key: 'text' }, indexes: [['portal_id', 'ticket_id']] },
    { name: SEARCH_CONTACTS, columns: { portal_id: 'text', contact_id: 'text', name_key: 'text' }, indexes: [['portal_id', 'contact_id']] },
    { name: CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === SEARCH_MESSAGES) {
      const message = document as unknown as SearchMessage;
      return { portal_id: message.portalId, ticket_id: message.ticketId, text_key: searchKey(message.text) };
    }
    if (table === SEARCH_CONTACTS) {
      const contact = document as unknown as SearchContact;
      return { portal_id: contact.portalId, contact_id: contact.contactId, name_key: searchKey(contact.name) };
    }
    return { portal_id: (document as unknown as SearchConversation).portalId };
  },
  async project(event, access) {
    if (event.type === 'ContactCreated' || event.type === 'ContactRenamed') return projectContact(event, access);
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    const data = event.data as Record<string, string | null | undefined>;
    if (event.type === 'ConversationStarted') {
      const row: SearchConversation = { conversationId, portalId: data.portalId!, currentTicketId: null };
      return access.put(CONVERSATIONS, conversationId, row as unknown as Document);
    }
    const conversation = await access.get<SearchConversation & Document>(CONVERSATIONS, conversationId);
    if (!conversation) return;
    if (event.type === 'TicketOpened') return access.put(CONVERSATIONS, conversationId, { ...conversation, currentTicketId: data.ticketId! });
    const id = messageRowId(conversationId, data.messageId!);
    // The content leaves the read store entirely: no search, export or backup can find it afterwards.
    if (event.type === 'MessageQuarantined') return access.delete(SEARCH_MESSAGES, id);
    const text = messageText(event);
    if (text === null) return;
    const ticketId = data.ticketId ?? conversation.currentTicketId;
    const message: SearchMessage = { messageId: data.messageId!, portalId: conversation.portalId, conversationId, ticketId, text };
    access.put(SEARCH_MESSAGES, id, message as unknown as Document);
  },
};

/** Contacts are keyed by their stream name: contact ids are unique per portal only. */
async function projectContact(event: RecordedEvent, access: DocumentAccess): Promise<void> {
  if (event.type === 'ContactCreated') {
    const { contactId, portalId, name } = event.data as ContactCreated['data'];
    const row: SearchContact = { contactId, portalId, name };
    return access.put(SEARCH_CONTACTS, event.streamName, row as unknown as Document);
  }
  const contact = await access.get<SearchContact & Document>(SEARCH_CONTACTS, event.streamName);
  if (contact) access.put(SEARCH_CONTACTS, event.streamName, { ...contact, name: (event.data as ContactRenamed['data']).name });
}
