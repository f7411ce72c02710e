import { refuse } from '../core/index.js';
import type { AssociateContact } from './conversation.commands.js';
import type { ContactAssociated } from './conversation.events.js';
import { nonBlank, startedConversation } from './conversation.guards.js';
import type { ConversationState } from './conversation.state.js';

/** For contacts created after the conversation started; one contact per conversation. */
export function associateContact(command: AssociateContact, state: ConversationState): ContactAssociated[] {
  const conversation = startedConversation(state, command.context);
  const contactId = nonBlank(command.data.contactId, 'The contact id');
  if (conversation.contactId === contactId) return [];
  if (conversation.contactId !== null) {
    refuse(
      'CONTACT_ALREADY_ASSOCIATED',
      `This conversation is already associated with contact ${conversation.contactId}`,
      {
        contactId: conversation.contactId,
      },
    );
  }
  return [{ type: 'ContactAssociated', data: { contactId, associatedAt: command.context.now.toISOString() } }];
}
