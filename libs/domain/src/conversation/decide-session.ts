import { refuse } from '../core/index.js';
import type { CloseExpiredSession, ReplyToContact, SendTemplate } from './conversation.commands.js';
import type { ConversationEvent, ReplyAccepted, TemplateMessageAccepted } from './conversation.events.js';
import { assertSamePortal, nonBlank, startedConversation } from './conversation.guards.js';
import { type ConversationState, type SessionState, sessionOpenAt } from './conversation.state.js';
import type { ReplyContent } from './message-content.js';
import { validateOutboundMedia } from './outbound-media.js';

/** Meta's limit on a text message body. */
export const MAX_TEXT_LENGTH = 4096;

/** Exactly once, at its expiry: not before, not for a session restarted since, not twice. */
export function closeExpiredSession(command: CloseExpiredSession, state: ConversationState): ConversationEvent[] {
  if (state.status !== 'Started') return [];
  assertSamePortal(state, command.context);
  const { session } = state;
  if (session?.sessionId !== command.data.sessionId || session.status === 'Closed') return [];
  if (sessionOpenAt(session, command.context.now)) return [];
  return [{ type: 'SessionClosed', data: { sessionId: session.sessionId, closedAt: session.expiresAt } }];
}

export function replyToContact(command: ReplyToContact, state: ConversationState): ReplyAccepted[] {
  const conversation = startedConversation(state, command.context);
  const { data, context } = command;
  if (conversation.messages.has(data.messageId)) return [];
  const session = sessionOpenAt(conversation.session, context.now);
  if (!session) {
    const last = conversation.session;
    refuse('SESSION_CLOSED', sessionClosedMessage(last), { closedAt: last?.expiresAt ?? null });
  }
  if (session.sessionId !== data.sessionId) {
    refuse('SESSION_STATE_CHANGED', 'A new session opened after the reply was counted: count it again', {
      sessionId: session.sessionId,
    });
  }
  validateReplyContent(data.content);
  const { messageId, content, countedAs, ruleVersion } = data;
  const ticketId = conversation.ticket?.ticketId ?? null;
  const acceptedAt = context.now.toISOString();
  return [
    {
      type: 'ReplyAccepted',
      data: { messageId, ticketId, sessionId: session.sessionId, content, acceptedAt, countedAs, ruleVersion },
    },
  ];
}

/**
 * Allowed at any time. The quota was settled before deciding: a reserved business-initiated
 * conversation when no session was open, the session's count otherwise. If that no longer holds,
 * refuse so the caller settles it again, rather than record a message counted the wrong way.
 */
export function sendTemplate(command: SendTemplate, state: ConversationState): TemplateMessageAccepted[] {
  const conversation = startedConversation(state, command.context);
  const { data, context } = command;
  if (conversation.messages.has(data.messageId)) return [];
  const open = sessionOpenAt(conversation.session, context.now);
  const settledAsCounted = open ? !data.businessInitiated && data.sessionId === open.sessionId : data.businessInitiated;
  if (!settledAsCounted) {
    refuse('SESSION_STATE_CHANGED', `The session ${open ? 'opened' : 'closed'} meanwhile: count the template again`, {
      sessionId: open?.sessionId ?? null,
    });
  }
  const { template, messageId, ruleVersion } = data;
  return [
    {
      type: 'TemplateMessageAccepted',
      data: {
        messageId,
        ticketId: conversation.ticket?.ticketId ?? null,
        templateName: nonBlank(template.name, 'The template name'),
        language: nonBlank(template.language, 'The template language'),
        renderedText: template.renderedText,
        ...(template.renderedHeader !== undefined && { renderedHeader: template.renderedHeader }),
        parameters: template.parameters,
        conversationKind: open ? 'within_session' : 'business_initiated',
        sessionId: open?.sessionId ?? null,
        acceptedAt: context.now.toISOString(),
        ruleVersion,
      },
    },
  ];
}

function sessionClosedMessage(session: SessionState | null): string {
  const since = session ? ` (the last one ended at ${session.expiresAt})` : '';
  return (
    `No session is open with this contact${since}: free-form messages are allowed only within 24 hours ` +
    "of the contact's last message. Send an approved template message instead."
  );
}

function validateReplyContent(content: ReplyContent): void {
  if (content.kind !== 'text') return validateOutboundMedia(content);
  nonBlank(content.body, 'A text reply');
  if (content.body.length > MAX_TEXT_LENGTH) {
    refuse('INVALID_COMMAND', `A text message can have at most ${MAX_TEXT_LENGTH} characters`, {
      length: content.body.length,
    });
  }
}
