import { DomainError, toWaId } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import type { ContactPhoneNumbers } from '../contact/contact-association.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { conversationCommand, loadConversation, onConversation } from './conversation-commands.js';
import { indexedConversations } from './conversations-by-phone.js';

/**
 * A contact created (or given a number) after its sender wrote: every open conversation with one
 * of its numbers and no contact yet is associated with it. Safe to run again: an associated
 * conversation is skipped, and one associated meanwhile by someone else is left as it is.
 */
export async function associateContactWithOpenConversations(
  store: EventStore,
  now: Date,
  origin: CommandOrigin,
  { contactId, phoneNumbers }: ContactPhoneNumbers,
): Promise<void> {
  for (const phoneNumber of phoneNumbers) {
    const { entries } = await indexedConversations(store, origin.portalId, toWaId(phoneNumber));
    for (const { conversationId } of entries) {
      const conversation = await loadConversation(store, conversationId);
      const waiting =
        conversation.status === 'Started' && conversation.contactId === null && conversation.ticket?.status === 'Open';
      if (waiting) await associate(store, now, origin, conversationId, contactId);
    }
  }
}

async function associate(
  store: EventStore,
  now: Date,
  origin: CommandOrigin,
  conversationId: string,
  contactId: string,
) {
  try {
    await onConversation(
      store,
      conversationId,
      conversationCommand('AssociateContact', { contactId }, origin, now),
      origin,
    );
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'CONTACT_ALREADY_ASSOCIATED')) throw error;
  }
}
