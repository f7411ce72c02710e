import { type CommandContext, fold, refuse } from '../core/index.js';
import { isE164, toWaId } from '../phone-number/e164.js';
import type { StartConversation } from './conversation.commands.js';
import type { ConversationEvent } from './conversation.events.js';
import { assertSamePortal, nonBlank } from './conversation.guards.js';
import {
  type ConversationState,
  type SessionState,
  type StartedConversation,
  evolveConversation,
  sessionOpenAt,
} from './conversation.state.js';
import { conversationIdOf } from './conversation-key.js';
import { sendTemplate } from './decide-session.js';
import type { TemplateToSend } from './message-content.js';

export interface ConversationStartRequest {
  readonly messageId: string;
  readonly businessPhone: string;
  readonly contactPhone: string;
  readonly template: Pick<TemplateToSend, 'name' | 'language'>;
}

/**
 * `AlreadyRecorded`: a retried request. `Ready`: the conversation so far (null: none yet) and the
 * session its template goes out in (null: none is open, it starts a business-initiated conversation).
 */
export type ConversationStartCheck =
  | Readonly<{ status: 'AlreadyRecorded' }>
  | Readonly<{ status: 'Ready'; conversation: StartedConversation | null; session: SessionState | null }>;

/**
 * Whether an agent may open a thread with this contact on this number, checked before anything is
 * counted, rendered or recorded (the send workflow asks first, the decider again when recording):
 * numbers in E.164, a template named, and no open thread already, whose id the refusal carries so
 * the agent is sent there. A thread whose ticket was closed gets a new ticket, as an inbound message would.
 */
export function checkConversationStart(
  state: ConversationState,
  request: ConversationStartRequest,
  context: Pick<CommandContext, 'portalId' | 'now'>,
): ConversationStartCheck {
  for (const number of [request.contactPhone, request.businessPhone]) {
    if (!isE164(number)) refuse('INVALID_PHONE_NUMBER', `'${number}' is not an E.164 number`, { input: number });
  }
  const conversation = state.status === 'Started' ? state : null;
  const session = conversation ? sessionOpenAt(conversation.session, context.now) : null;
  if (conversation) {
    assertSamePortal(conversation, context);
    if (conversation.messages.has(request.messageId)) return { status: 'AlreadyRecorded' };
    if (conversation.ticket?.status === 'Open') {
      refuse(
        'CONVERSATION_EXISTS',
        'An open conversation with this contact on this number exists already: continue it there' +
          (session ? ' (its session is open: a free-form reply is allowed)' : ' (send it a template)'),
        {
          conversationId: conversation.conversationId,
          ticketId: conversation.ticket.ticketId,
          sessionOpen: session !== null,
        },
      );
    }
  }
  nonBlank(request.template.name, 'The template name');
  nonBlank(request.template.language, 'The template language');
  return { status: 'Ready', conversation, session };
}

/**
 * The conversation (if new), its ticket, the contact it was started from, and the template, in one
 * append: a new conversation's stream does not exist yet, so of two agents starting the same one at
 * once only one append lands (the other finds it open and is refused with CONVERSATION_EXISTS).
 */
export function startConversation(command: StartConversation, state: ConversationState): ConversationEvent[] {
  const { data, context } = command;
  const check = checkConversationStart(state, data, context);
  if (check.status === 'AlreadyRecorded') return [];
  const now = context.now.toISOString();
  const key = { portalId: context.portalId, phoneNumberId: data.phoneNumberId, contactWaId: toWaId(data.contactPhone) };
  const started: ConversationEvent[] = check.conversation
    ? []
    : [
        {
          type: 'ConversationStarted',
          data: {
            conversationId: conversationIdOf(key),
            ...key,
            businessPhone: data.businessPhone,
            contactPhone: data.contactPhone,
            startedAt: now,
          },
        },
      ];
  const contactId = data.contactId === null ? null : nonBlank(data.contactId, 'The contact id');
  const associate = contactId !== null && (check.conversation?.contactId ?? null) === null;
  const opening: ConversationEvent[] = [
    ...started,
    { type: 'TicketOpened', data: { ticketId: data.ticketId, openedAt: now } },
    ...(associate ? [{ type: 'ContactAssociated' as const, data: { contactId, associatedAt: now } }] : []),
  ];
  const opened = fold(evolveConversation, state, opening);
  const { messageId, template, ruleVersion, businessInitiated, sessionId } = data;
  const sent = sendTemplate(
    {
      type: 'SendTemplate',
      data: { messageId, template, ruleVersion, businessInitiated, ...(sessionId !== undefined && { sessionId }) },
      context,
    },
    opened,
  );
  return [...opening, ...sent];
}
