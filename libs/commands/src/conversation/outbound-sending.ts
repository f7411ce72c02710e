import { Logger } from '@nestjs/common';
import { type ConversationState, DomainError, type SessionState, sessionOpenAt } from '@helpdesk/domain';
import type { QuotaGate } from '../quota/quota-gate.js';
import type { ReleaseRequest } from '../quota/quota-requests.js';

/**
 * What replies and templates share: the quota is settled before the message is recorded, so a
 * failure to record gives the count back, and a session that changed in between settles again.
 */
export const MAX_SETTLING_ATTEMPTS = 3;

const logger = new Logger('OutboundSending');

export function openSession(conversation: ConversationState, now: Date): SessionState | null {
  return conversation.status === 'Started' ? sessionOpenAt(conversation.session, now) : null;
}

export function mustSettleAgain(error: unknown, attempt: number): boolean {
  return error instanceof DomainError && error.code === 'SESSION_STATE_CHANGED' && attempt < MAX_SETTLING_ATTEMPTS;
}

/** The refusal that follows stays the caller's answer: a failed release is only logged (it is safe to repeat). */
export async function releaseAfter(
  error: unknown,
  quota: QuotaGate,
  request: Omit<ReleaseRequest, 'reason'>,
): Promise<void> {
  const reason = error instanceof DomainError ? error.code : 'MESSAGE_NOT_RECORDED';
  try {
    await quota.release({ ...request, reason });
  } catch (releaseError) {
    logger.error(`Could not give back the quota of message ${request.messageId}: ${String(releaseError)}`);
  }
}
