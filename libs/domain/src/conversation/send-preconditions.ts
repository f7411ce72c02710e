import { type CommandContext, refuse } from '../core/index.js';
import { nonBlank, startedConversation } from './conversation.guards.js';
import {
  type ConversationState,
  type SessionState,
  type StartedConversation,
  sessionOpenAt,
} from './conversation.state.js';
import type { ReplyContent, TemplateToSend } from './message-content.js';
import { validateOutboundMedia } from './outbound-media.js';

/** Meta's limit on a text message body. */
export const MAX_TEXT_LENGTH = 4096;

/**
 * Whether a message may be sent, checked before anything is counted, rendered or recorded: the
 * send workflow asks first, and the decider asks again when it records the message, so the rules
 * live here only. `AlreadyRecorded`: a retried request, nothing to do.
 */
export type SendCheck<Ready> = Readonly<{ status: 'AlreadyRecorded' }> | Readonly<{ status: 'Ready' } & Ready>;

export type ReplyCheck = SendCheck<{ conversation: StartedConversation; session: SessionState }>;

export type TemplateSendCheck = SendCheck<{
  conversation: StartedConversation;
  /** The session the template goes out in; null: none is open, it starts a business-initiated conversation. */
  session: SessionState | null;
}>;

export interface ReplyRequest {
  readonly messageId: string;
  readonly content: ReplyContent;
}

export interface TemplateSendRequest {
  readonly messageId: string;
  readonly template: Pick<TemplateToSend, 'name' | 'language'>;
}

type SendContext = Pick<CommandContext, 'portalId' | 'now'>;

/** A free-form reply: only in the portal's own conversation, while its session is open, with content Meta accepts. */
export function checkReply(state: ConversationState, request: ReplyRequest, context: SendContext): ReplyCheck {
  const conversation = startedConversation(state, context);
  if (conversation.messages.has(request.messageId)) return { status: 'AlreadyRecorded' };
  const session = sessionOpenAt(conversation.session, context.now);
  if (!session) {
    const last = conversation.session;
    refuse('SESSION_CLOSED', sessionClosedMessage(last), { closedAt: last?.expiresAt ?? null });
  }
  validateReplyContent(request.content);
  return { status: 'Ready', conversation, session };
}

/** A template: at any time, in the portal's own conversation, naming a template and its language. */
export function checkTemplateSend(
  state: ConversationState,
  request: TemplateSendRequest,
  context: SendContext,
): TemplateSendCheck {
  const conversation = startedConversation(state, context);
  if (conversation.messages.has(request.messageId)) return { status: 'AlreadyRecorded' };
  nonBlank(request.template.name, 'The template name');
  nonBlank(request.template.language, 'The template language');
  return { status: 'Ready', conversation, session: sessionOpenAt(conversation.session, context.now) };
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
