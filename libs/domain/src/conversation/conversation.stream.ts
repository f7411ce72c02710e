/**
 * One conversation per (portal, business phone number, contact): its tickets, thread and sessions.
 * The phone number id and the contact's wa_id are digits, so the id splits back unambiguously.
 */
export const CONVERSATION_STREAM_PREFIX = 'conversation-';
const CONVERSATIONS_BY_PHONE_PREFIX = 'conversations-by-phone-';

export interface ConversationKey {
  readonly portalId: string;
  readonly phoneNumberId: string;
  readonly contactWaId: string;
}

export function conversationIdOf(key: ConversationKey): string {
  return `${key.portalId}-${key.phoneNumberId}-${key.contactWaId}`;
}

export function conversationStreamName(conversationId: string): string {
  return `${CONVERSATION_STREAM_PREFIX}${conversationId}`;
}

export function conversationIdFromStreamName(streamName: string): string | null {
  return streamName.startsWith(CONVERSATION_STREAM_PREFIX) ? streamName.slice(CONVERSATION_STREAM_PREFIX.length) : null;
}

/** An index of a portal's conversations with one contact number, for associating contacts created later. */
export function conversationsByPhoneStreamName(portalId: string, contactWaId: string): string {
  return `${CONVERSATIONS_BY_PHONE_PREFIX}${portalId}-${contactWaId}`;
}
