import { refuse } from '../core/index.js';
import type { CloseExpiredSession, ReplyToContact, SendTemplate } from './conversation.commands.js';
import type { ConversationEvent, ReplyAccepted, TemplateMessageAccepted } from './conversation.events.js';
import { assertSamePortal } from './conversation.guards.js';
import { type ConversationState, sessionOpenAt } from './conversation.state.js';
import { checkReply, checkTemplateSend } from './send-preconditions.js';

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
  const { data, context } = command;
  const check = checkReply(state, data, context);
  if (check.status === 'AlreadyRecorded') return [];
  const { conversation, session } = check;
  if (session.sessionId !== data.sessionId) {
    refuse('SESSION_STATE_CHANGED', 'A new session opened after the reply was counted: count it again', {
      sessionId: session.sessionId,
    });
  }
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
  const { data, context } = command;
  const check = checkTemplateSend(state, data, context);
  if (check.status === 'AlreadyRecorded') return [];
  const { conversation, session: open } = check;
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
        templateName: template.name.trim(),
        language: template.language.trim(),
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
