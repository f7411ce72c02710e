/**
 * One conversation per (portal, business phone number, contact). The phone number id and the
 * contact's wa_id are digits, so the id splits back unambiguously.
 */
export interface ConversationKey {
  readonly portalId: string;
  readonly phoneNumberId: string;
  readonly contactWaId: string;
}

export function conversationIdOf(key: ConversationKey): string {
  return `${key.portalId}-${key.phoneNumberId}-${key.contactWaId}`;
}
