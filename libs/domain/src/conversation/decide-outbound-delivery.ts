import { refuse } from '../core/index.js';
import type {
  MarkOutboundDeliveryUnknown,
  RecordOutboundSendAttempt,
  RecordOutboundSendFailure,
  ResendOutboundMessage,
} from './conversation.commands.js';
import type {
  ConversationEvent,
  OutboundDeliveryUnknown,
  OutboundFailure,
  OutboundFailureReason,
  OutboundMessageFailed,
  OutboundResendRequested,
  OutboundSendAttempted,
  SessionClosed,
} from './conversation.events.js';
import { messageInThread, nonBlank, startedConversation } from './conversation.guards.js';
import {
  type ConversationState,
  type OutboundDispatch,
  type StartedConversation,
  sessionOpenAt,
} from './conversation.state.js';
import { sessionWindowMsAt } from '../rules/rulebook.js';
import { MAX_SEND_ATTEMPTS, OUTSIDE_WINDOW_ERROR_CODE, isRetryableFailure } from './outbound-delivery.js';

type AwaitingOutcome = Extract<OutboundDispatch, { status: 'attempting' | 'unknown' }>;

/** The attempt a dispatcher may make now: the first, or the one after a scheduled retry; null when none is due. */
export function dueAttempt(dispatch: OutboundDispatch): number | null {
  if (dispatch.status === 'pending') return 1;
  if (dispatch.status === 'retry_scheduled') return dispatch.attempt + 1;
  return null;
}

/** Only the due attempt is recorded, once: a dispatcher that records nothing must not send. */
export function recordOutboundSendAttempt(
  command: RecordOutboundSendAttempt,
  state: ConversationState,
): OutboundSendAttempted[] {
  const { messageId, attempt } = command.data;
  const dispatch = dispatchOf(startedConversation(state, command.context), messageId);
  if (attempt !== dueAttempt(dispatch)) return [];
  return [{ type: 'OutboundSendAttempted', data: { messageId, attempt, at: command.context.now.toISOString() } }];
}

/**
 * Meta's answer to an attempt (also after it was marked unknown: a late answer still settles it).
 * Outside the window the message fails and the session closes, so agents send a template; a
 * transient refusal is retried after the given delay until the attempts run out; anything else is final.
 */
export function recordOutboundSendFailure(
  command: RecordOutboundSendFailure,
  state: ConversationState,
): ConversationEvent[] {
  const conversation = startedConversation(state, command.context);
  const { messageId, attempt, failure, retryDelayMs } = command.data;
  const dispatch = dispatchOf(conversation, messageId);
  if (!awaitsOutcomeOf(dispatch, attempt)) return [];
  const now = command.context.now;
  if (failure.code === OUTSIDE_WINDOW_ERROR_CODE) {
    const failed = messageFailed(messageId, attempt, failure, 'outside_window', now);
    return [failed, ...closeSessionOutsideWindow(conversation, dispatch.attemptedAt, now)];
  }
  if (!isRetryableFailure(failure)) return [messageFailed(messageId, attempt, failure, 'refused', now)];
  if (attempt >= MAX_SEND_ATTEMPTS) return [messageFailed(messageId, attempt, failure, 'attempts_exhausted', now)];
  if (!Number.isInteger(retryDelayMs) || retryDelayMs < 0) {
    refuse('INVALID_COMMAND', `A retry delay is a whole number of milliseconds (got ${retryDelayMs})`);
  }
  const retryAt = new Date(now.getTime() + retryDelayMs).toISOString();
  const { metaMediaId } = command.data;
  // Meta's word, kept only in a shape it can have; otherwise the retry uploads the file again.
  const media = metaMediaId !== undefined && META_MEDIA_ID.test(metaMediaId) ? { metaMediaId } : {};
  return [
    {
      type: 'OutboundRetryScheduled',
      data: { ...failure, messageId, attempt, delayMs: retryDelayMs, retryAt, ...media },
    },
  ];
}

/** Meta's media ids are numbers; a bound keeps anything else it may say out of the log. */
const META_MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Only an attempt still without an outcome; anything later (an answer, a status) already settled it. */
export function markOutboundDeliveryUnknown(
  command: MarkOutboundDeliveryUnknown,
  state: ConversationState,
): OutboundDeliveryUnknown[] {
  const { messageId, attempt } = command.data;
  const dispatch = dispatchOf(startedConversation(state, command.context), messageId);
  if (dispatch.status !== 'attempting' || dispatch.attempt !== attempt) return [];
  const reason = nonBlank(command.data.reason, 'The reason the outcome is unknown');
  return [
    { type: 'OutboundDeliveryUnknown', data: { messageId, attempt, reason, at: command.context.now.toISOString() } },
  ];
}

/** An agent's decision, recorded with who took it: the contact may receive the message twice. */
export function resendOutboundMessage(
  command: ResendOutboundMessage,
  state: ConversationState,
): OutboundResendRequested[] {
  const { messageId } = command.data;
  const dispatch = dispatchOf(startedConversation(state, command.context), messageId);
  if (dispatch.status !== 'unknown' && dispatch.status !== 'failed') {
    const why = dispatch.status === 'sent' ? 'was taken by WhatsApp already' : 'is still being sent';
    refuse('INVALID_COMMAND', `Message ${messageId} ${why}`, { messageId, status: dispatch.status });
  }
  return [{ type: 'OutboundResendRequested', data: { messageId, requestedAt: command.context.now.toISOString() } }];
}

function dispatchOf(conversation: StartedConversation, messageId: string): OutboundDispatch {
  const { dispatch } = messageInThread(conversation, messageId);
  if (dispatch === null) refuse('INVALID_COMMAND', `Message ${messageId} was not sent by the business`, { messageId });
  return dispatch;
}

function awaitsOutcomeOf(dispatch: OutboundDispatch, attempt: number): dispatch is AwaitingOutcome {
  return (dispatch.status === 'attempting' || dispatch.status === 'unknown') && dispatch.attempt === attempt;
}

function messageFailed(
  messageId: string,
  attempt: number,
  failure: OutboundFailure,
  reason: OutboundFailureReason,
  now: Date,
): OutboundMessageFailed {
  return {
    type: 'OutboundMessageFailed',
    data: { ...failure, messageId, attempt, reason, failedAt: now.toISOString() },
  };
}

/**
 * Meta's clock decides the window. The open session closes now, unless the contact wrote after
 * the attempt (Meta's answer predates that message); one already past its expiry closes at it.
 */
function closeSessionOutsideWindow(conversation: StartedConversation, attemptedAt: string, now: Date): SessionClosed[] {
  const { session } = conversation;
  if (session?.status !== 'Open') return [];
  const lastContactMessageAt = Date.parse(session.expiresAt) - sessionWindowMsAt(new Date(attemptedAt));
  if (lastContactMessageAt > Date.parse(attemptedAt)) return [];
  const { sessionId } = session;
  if (!sessionOpenAt(session, now))
    return [{ type: 'SessionClosed', data: { sessionId, closedAt: session.expiresAt } }];
  return [{ type: 'SessionClosed', data: { sessionId, closedAt: now.toISOString(), reason: 'outside_window' } }];
}
