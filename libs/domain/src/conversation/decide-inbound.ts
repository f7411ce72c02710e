import { fold, refuse } from '../core/index.js';
import { isE164, toWaId } from '../phone-number/e164.js';
import type { ReceiveInboundMessage } from './conversation.commands.js';
import type { ConversationEvent, ConversationStarted } from './conversation.events.js';
import { assertSamePortal, isoInstant } from './conversation.guards.js';
import {
  type ConversationState,
  type StartedConversation,
  evolveConversation,
  sessionOpenAt,
} from './conversation.state.js';
import { conversationIdOf } from './conversation-key.js';
import { sessionWindowMsAt } from '../rules/rulebook.js';

/**
 * A contact's message joins the open ticket (or opens one), lands in the thread (unsupported
 * ones as placeholders) and opens or restarts the 24-hour session, counted from Meta's sent time.
 */
export function receiveInboundMessage(command: ReceiveInboundMessage, state: ConversationState): ConversationEvent[] {
  const { data, context } = command;
  if (state.status === 'Started') {
    assertSamePortal(state, context);
    if (state.messageIdByWamid.has(data.wamid)) return [];
  }
  const sentAt = isoInstant(data.sentAt, 'sentAt');
  const connectedAt = isoInstant(data.numberConnectedAt, 'numberConnectedAt');
  if (predatesConnection(sentAt, connectedAt)) {
    refuse('MESSAGE_PREDATES_CONNECTION', `Message ${data.wamid} was sent before its number was connected`, {
      wamid: data.wamid,
      sentAt,
      connectedAt,
    });
  }
  const started = state.status === 'Started' ? [] : [conversationStarted(command)];
  const conversation = fold(evolveConversation, state, started) as StartedConversation;
  const receivedAt = context.now.toISOString();
  const openTicket = conversation.ticket?.status === 'Open' ? conversation.ticket : null;
  const ticketId = openTicket?.ticketId ?? data.ticketId;
  return [
    ...started,
    ...(openTicket ? [] : [{ type: 'TicketOpened' as const, data: { ticketId, openedAt: receivedAt } }]),
    messageReceived(command, ticketId, sentAt, receivedAt),
    ...sessionEvents(conversation, data.sessionId, sentAt),
    ...contactEvents(conversation, data.matchingContactIds, receivedAt),
  ];
}

const SECOND_MS = 1000;

/**
 * Meta stamps messages in whole seconds, our connection time has milliseconds: compare at Meta's
 * precision. A message stamped in the very second of the connection may have been sent just after
 * it, so it is imported (dropping a customer's message is worse than syncing one second early).
 */
function predatesConnection(sentAt: string, connectedAt: string): boolean {
  const connectedSecond = Math.floor(Date.parse(connectedAt) / SECOND_MS) * SECOND_MS;
  return Date.parse(sentAt) < connectedSecond;
}

function conversationStarted({ data, context }: ReceiveInboundMessage): ConversationStarted {
  for (const number of [data.from, data.to]) {
    if (!isE164(number)) refuse('INVALID_PHONE_NUMBER', `'${number}' is not an E.164 number`, { number });
  }
  const contactWaId = toWaId(data.from);
  const key = { portalId: context.portalId, phoneNumberId: data.phoneNumberId, contactWaId };
  return {
    type: 'ConversationStarted',
    data: {
      conversationId: conversationIdOf(key),
      ...key,
      businessPhone: data.to,
      contactPhone: data.from,
      startedAt: context.now.toISOString(),
    },
  };
}

function messageReceived(
  { data }: ReceiveInboundMessage,
  ticketId: string,
  sentAt: string,
  receivedAt: string,
): ConversationEvent {
  const facts = {
    messageId: data.messageId,
    wamid: data.wamid,
    ticketId,
    from: data.from,
    to: data.to,
    sentAt,
    receivedAt,
    ...(data.profileName?.trim() && { profileName: data.profileName.trim() }),
  };
  const { content } = data;
  if (content.kind === 'unsupported') {
    return {
      type: 'UnsupportedMessageReceived',
      data: { ...facts, unsupportedKind: content.unsupportedKind, detail: content.detail },
    };
  }
  return { type: 'InboundMessageReceived', data: { ...facts, content } };
}

/**
 * Open at the message's sent time: the 24 hours restart from it (never move back). Otherwise a
 * new session opens; one that expired unnoticed is closed first, at its expiry.
 */
function sessionEvents(conversation: StartedConversation, newSessionId: string, sentAt: string): ConversationEvent[] {
  const { session } = conversation;
  // The window in force when the contact wrote (the rulebook's session window).
  const expiresAt = new Date(Date.parse(sentAt) + sessionWindowMsAt(new Date(sentAt))).toISOString();
  const open = sessionOpenAt(session, new Date(sentAt));
  if (open) {
    return expiresAt > open.expiresAt
      ? [{ type: 'SessionExtended', data: { sessionId: open.sessionId, expiresAt } }]
      : [];
  }
  const closeExpired: ConversationEvent[] =
    session?.status === 'Open'
      ? [{ type: 'SessionClosed', data: { sessionId: session.sessionId, closedAt: session.expiresAt } }]
      : [];
  return [...closeExpired, { type: 'SessionOpened', data: { sessionId: newSessionId, openedAt: sentAt, expiresAt } }];
}

/** One match associates; several never pick one (the wrong contact would see someone else's thread). */
function contactEvents(
  conversation: StartedConversation,
  matching: readonly string[],
  at: string,
): ConversationEvent[] {
  if (conversation.contactId !== null) return [];
  const candidates = [...new Set(matching)].sort();
  if (candidates.length === 1)
    return [{ type: 'ContactAssociated', data: { contactId: candidates[0], associatedAt: at } }];
  const alreadyRecorded = candidates.join() === conversation.ambiguousContactIds.join();
  if (candidates.length > 1 && !alreadyRecorded) {
    return [{ type: 'ContactMatchAmbiguous', data: { candidateContactIds: candidates } }];
  }
  return [];
}
