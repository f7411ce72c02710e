/** One row of the agents' ticket list. */
export interface TicketRow {
  readonly ticketId: string;
  readonly portalId: string;
  readonly conversationId: string;
  readonly status: 'open' | 'closed';
  readonly ownerId: string | null;
  readonly sourceChannelType: 'whatsapp';
  readonly phoneNumberId: string;
  /** The account the conversation came through: the one that last added its number before it started. */
  readonly accountId: string | null;
  readonly businessPhone: string;
  readonly contactPhone: string;
  readonly contactId: string | null;
  /** Contacts sharing the number when none is associated yet: an agent chooses one (absent in rows written before). */
  readonly contactCandidateIds?: readonly string[];
  /** The name the contact gave WhatsApp (Meta's `contacts[].profile.name`) in their latest message; absent in rows written before. */
  readonly contactProfileName?: string | null;
  /** The last message's text or placeholder; never quarantined content. */
  readonly preview: string | null;
  readonly lastMessageId: string | null;
  readonly sessionExpiresAt: string | null;
  readonly unreadCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastInboundAt: string | null;
  /** Who sent the latest message: the contact (inbound) or the business (outbound); null before any. */
  readonly lastMessageDirection: 'inbound' | 'outbound' | null;
}

/** What the projection remembers per conversation to place events without a ticket id. */
export interface ConversationRow {
  readonly conversationId: string;
  readonly portalId: string;
  readonly phoneNumberId: string;
  readonly accountId: string | null;
  readonly businessPhone: string;
  readonly contactPhone: string;
  readonly contactId: string | null;
  readonly contactCandidateIds?: readonly string[];
  readonly currentTicketId: string | null;
  readonly sessionExpiresAt: string | null;
}

/** The account that last added a number (Meta's phone_number_id): conversations started on it came through it. */
export interface NumberAccount {
  readonly phoneNumberId: string;
  readonly accountId: string;
}

export const QUARANTINED_PREVIEW = '[Quarantined message]';
