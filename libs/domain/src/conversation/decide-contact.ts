import { refuse } from '../core/index.js';
import type { AssociateContact, ChooseContact } from './conversation.commands.js';
import type { ContactAssociated } from './conversation.events.js';
import { nonBlank, startedConversation } from './conversation.guards.js';
import type { ConversationState } from './conversation.state.js';

/** For contacts created after the conversation started; one contact per conversation. */
export function associateContact(command: AssociateContact, state: ConversationState): ContactAssociated[] {
  const conversation = startedConversation(state, command.context);
  const contactId = nonBlank(command.data.contactId, 'The contact id');
  if (conversation.contactId === contactId) return [];
  refuseIfAssociated(conversation.contactId);
  return [{ type: 'ContactAssociated', data: { contactId, associatedAt: command.context.now.toISOString() } }];
}

/**
 * Only a contact of the portal whose number is the conversation's may be chosen; any other id
 * (unknown, another portal's, another number's) is refused alike. A choice is final: an associated
 * conversation keeps its contact (choosing the same one again changes nothing).
 */
export function chooseContact(command: ChooseContact, state: ConversationState): ContactAssociated[] {
  const conversation = startedConversation(state, command.context);
  const contactId = nonBlank(command.data.contactId, 'The contact id');
  if (conversation.contactId === contactId) return [];
  refuseIfAssociated(conversation.contactId);
  const { matchingContactIds } = command.data;
  if (!matchingContactIds.includes(contactId)) {
    refuse('CONTACT_NOT_FOUND', `No contact ${contactId} has this conversation's number`, { contactId });
  }
  const associatedAt = command.context.now.toISOString();
  return [{ type: 'ContactAssociated', data: { contactId, associatedAt, chosenFrom: [...matchingContactIds] } }];
}

function refuseIfAssociated(current: string | null): void {
  if (current === null) return;
  refuse('CONTACT_ALREADY_ASSOCIATED', `This conversation is already associated with contact ${current}`, {
    contactId: current,
  });
}
