import { type HelpdeskEventOf, type HelpdeskEventType, conversationIdFromStreamName } from '@helpdesk/domain';
import type { ColumnValues, DocumentAccess, Projection, ProjectedEvent, TableDocument } from '../core/projection.js';
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
const SEARCH_EVENTS = [
  'ConversationStarted',
  'TicketOpened',
  ...TEXT_MESSAGE_TYPES,
  'MessageQuarantined',
  'ContactCreated',
  'ContactRenamed',
] as const satisfies readonly HelpdeskEventType[];

export type SearchEvent = HelpdeskEventOf<(typeof SEARCH_EVENTS)[number]>;
type ContactEvent = ProjectedEvent<HelpdeskEventOf<'ContactCreated' | 'ContactRenamed'>>;

export type SearchRows = {
  readonly messages: SearchMessage;
  readonly contacts: SearchContact;
  readonly conversations: SearchConversation;
};

export const searchProjection: Projection<SearchEvent, SearchRows> = {
  name: 'search',
  version: 1,
  eventTypes: SEARCH_EVENTS,
  tables: [
    {
      name: SEARCH_MESSAGES,
      columns: { portal_id: 'text', ticket_id: 'text', text_key: 'text' },
      indexes: [['portal_id', 'ticket_id']],
      textIndexes: ['text_key'],
    },
    {
      name: SEARCH_CONTACTS,
      columns: { portal_id: 'text', contact_id: 'text', name_key: 'text' },
      indexes: [['portal_id', 'contact_id']],
      textIndexes: ['name_key'],
    },
    { name: CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
  ],
  columnsOf(entry: TableDocument<SearchRows>): ColumnValues {
    switch (entry.table) {
      case SEARCH_MESSAGES: {
        const message = entry.document;
        return { portal_id: message.portalId, ticket_id: message.ticketId, text_key: searchKey(message.text) };
      }
      case SEARCH_CONTACTS: {
        const contact = entry.document;
        return { portal_id: contact.portalId, contact_id: contact.contactId, name_key: searchKey(contact.name) };
      }
      default:
        return { portal_id: entry.document.portalId };
    }
  },
  async project(event, access) {
    if (event.type === 'ContactCreated' || event.type === 'ContactRenamed') return projectContact(event, access);
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    if (event.type === 'ConversationStarted') {
      const row: SearchConversation = { conversationId, portalId: event.data.portalId, currentTicketId: null };
      return access.put(CONVERSATIONS, conversationId, row);
    }
    const conversation = await access.get(CONVERSATIONS, conversationId);
    if (!conversation) return;
    if (event.type === 'TicketOpened')
      return access.put(CONVERSATIONS, conversationId, { ...conversation, currentTicketId: event.data.ticketId });
    const id = messageRowId(conversationId, event.data.messageId);
    // The content leaves the read store entirely: no search, export or backup can find it afterwards.
    if (event.type === 'MessageQuarantined') return access.delete(SEARCH_MESSAGES, id);
    const text = messageText(event);
    if (text === null) return;
    const ticketId = event.data.ticketId ?? conversation.currentTicketId;
    const message: SearchMessage = {
      messageId: event.data.messageId,
      portalId: conversation.portalId,
      conversationId,
      ticketId,
      text,
    };
    access.put(SEARCH_MESSAGES, id, message);
  },
};

/** Contacts are keyed by their stream name: contact ids are unique per portal only. */
async function projectContact(event: ContactEvent, access: DocumentAccess<SearchRows>): Promise<void> {
  if (event.type === 'ContactCreated') {
    const { contactId, portalId, name } = event.data;
    const row: SearchContact = { contactId, portalId, name };
    return access.put(SEARCH_CONTACTS, event.streamName, row);
  }
  const contact = await access.get(SEARCH_CONTACTS, event.streamName);
  if (contact) access.put(SEARCH_CONTACTS, event.streamName, { ...contact, name: event.data.name });
}
