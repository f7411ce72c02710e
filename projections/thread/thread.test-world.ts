import type { DeliveryError, DeliveryStatus } from '@helpdesk/domain';
import { type SendOutcome, conversationOf, metaSays } from '@helpdesk/domain/fixtures';
import type { EventWorld } from '../testing/event.test-world.js';

/** Meta's answers, one per call, as the dispatcher classifies them. */
export const metaAnswers = metaSays;

/**
 * The outbound dispatcher's record of one message (each attempt, then Meta's scripted answer),
 * decided by the conversation's decider; a scheduled retry moves the clock instead of sleeping.
 */
export function deliver(world: EventWorld, messageId: string, answers: SendOutcome[], phone?: string) {
  return world.append(world.history.dispatch(conversationOf(phone), messageId, answers));
}

export function recordStatus(
  world: EventWorld,
  wamid: string,
  status: DeliveryStatus,
  at: string,
  error?: DeliveryError,
) {
  return world.append(world.history.recordStatus(conversationOf(), wamid, status, at, error));
}

export function quarantine(world: EventWorld, messageId: string, reason: string) {
  return world.append(world.history.quarantine(conversationOf(), messageId, reason));
}

export function resend(world: EventWorld, messageId: string) {
  return world.append(world.history.resend(conversationOf(), messageId));
}
