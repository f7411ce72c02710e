import { type CommandContext, refuse } from '../core/index.js';
import type { ConversationState, StartedConversation, ThreadMessage } from './conversation.state.js';

const NO_CONVERSATION = 'There is no conversation with this contact yet';

/** Every command but the first inbound message needs the conversation, in the caller's own portal. */
export function startedConversation(
  state: ConversationState,
  context: Pick<CommandContext, 'portalId'>,
): StartedConversation {
  if (state.status !== 'Started') refuse('CONVERSATION_NOT_FOUND', NO_CONVERSATION);
  assertSamePortal(state, context);
  return state;
}

/** Another portal's conversation is answered exactly like a missing one: an id must not confirm that it exists. */
export function assertSamePortal(conversation: StartedConversation, context: Pick<CommandContext, 'portalId'>): void {
  if (conversation.portalId !== context.portalId) refuse('CONVERSATION_NOT_FOUND', NO_CONVERSATION);
}

export function messageInThread(conversation: StartedConversation, messageId: string): ThreadMessage {
  const message = conversation.messages.get(messageId);
  if (!message) refuse('MESSAGE_NOT_FOUND', `Message ${messageId} is not in this conversation`, { messageId });
  return message;
}

/** One spelling per instant, so events compare and sort as strings. */
export function isoInstant(value: string, field: string): string {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) refuse('INVALID_DATE', `${field} '${value}' is not a date and time`, { field, value });
  return new Date(millis).toISOString();
}

export function nonBlank(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed === '') refuse('INVALID_COMMAND', `${what} must not be empty`);
  return trimmed;
}
