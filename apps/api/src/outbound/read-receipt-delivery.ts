import { Logger } from '@nestjs/common';
import { type Actor, type ConversationCommand, DomainError, type OutboundFailure } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId } from '@helpdesk/commands/channel/find-channel-by-number.js';
import { loadConversation, onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { type CommandOrigin, contextFrom } from '@helpdesk/commands/shared/command-origin.js';
import { storeRetryDelayMs } from '../event-log-follower/event-log-follower.js';
import { classifyGraphCall } from './classify-graph-call.js';
import type { GraphApi, GraphCall } from './graph-api-client.js';
import type { DeliverySettings } from './message-delivery.js';
import type { NumberRateLimiter } from './number-rate-limiter.js';
import type { RequestSlots } from './request-slots.js';

export interface ReadReceiptDependencies {
  readonly store: EventStore;
  readonly graph: GraphApi;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<boolean>;
  readonly slots: RequestSlots;
  /** Receipts are calls to the same messages endpoint: they count against the number's throughput. */
  readonly limiter: NumberRateLimiter;
  readonly settings: DeliverySettings;
  readonly isStopping: () => boolean;
}

/** The requested event's ids, so what the dispatcher records traces back to the agent's read. */
export interface ReceiptCause {
  readonly causationId: string;
  readonly correlationId?: string;
}

type ReceiptCommand = Extract<ConversationCommand, { type: 'RecordReadReceiptAttempt' | 'RecordReadReceiptOutcome' }>;
type ReceiptDecision = ReceiptCommand extends infer C ? (C extends ReceiptCommand ? Omit<C, 'context'> : never) : never;

const DISPATCHER: Actor = { kind: 'system', id: 'outbound-dispatcher' };
const logger = new Logger('ReadReceiptDelivery');

/**
 * Sends the read receipt an agent's read asked for, at most once, like a message: the attempt is
 * recorded first (only one dispatcher can record it), then Meta is called, then its answer is
 * recorded. A receipt is never retried: a failure or a missing answer is recorded as final (a
 * later read of a newer message sends a new one, which covers the earlier messages too).
 */
export class ReadReceiptDelivery {
  constructor(private readonly deps: ReadReceiptDependencies) {}

  /** True once the receipt reached an end (or is superseded); false when the dispatcher stopped first. */
  async deliver(conversationId: string, messageId: string, cause: ReceiptCause): Promise<boolean> {
    for (let failures = 1; !this.deps.isStopping(); failures++) {
      try {
        const next = await this.step(conversationId, messageId, cause);
        if (next !== 'continue') return next === 'settled';
      } catch (error) {
        if (error instanceof DomainError) {
          logger.error(`Read receipt for ${messageId} of ${conversationId} cannot be sent: ${error.message}`);
          return true;
        }
        logger.warn(`Could not send the read receipt for ${messageId} yet, trying again: ${String(error)}`);
        if (!(await this.deps.sleep(this.storeRetryDelay(failures)))) return false;
      }
    }
    return false;
  }

  private async step(
    conversationId: string,
    messageId: string,
    cause: ReceiptCause,
  ): Promise<'settled' | 'continue' | 'stopped'> {
    const conversation = await loadConversation(this.deps.store, conversationId);
    if (conversation.status !== 'Started') return 'settled';
    const receipt = conversation.read.receipt;
    // Superseded by a later read (its receipt covers this message too), or already settled.
    if (receipt?.messageId !== messageId || receipt.status === 'sent' || receipt.status === 'failed') return 'settled';
    const origin: CommandOrigin = {
      portalId: conversation.portalId,
      actor: DISPATCHER,
      causationId: cause.causationId,
      ...(cause.correlationId !== undefined && { correlationId: cause.correlationId }),
    };
    const record = (decision: ReceiptDecision) => {
      const command = { ...decision, context: contextFrom(origin, this.deps.clock.now()) } as ReceiptCommand;
      return onConversation(this.deps.store, conversationId, command, origin);
    };
    if (receipt.status === 'attempting') {
      // Left by a dispatcher that stopped during the call: never made again; once stale, recorded as unknown.
      const wait =
        Date.parse(receipt.attemptedAt ?? '') + this.deps.settings.staleAttemptMs - this.deps.clock.now().getTime();
      if (wait > 0) return (await this.deps.sleep(wait)) ? 'continue' : 'stopped';
      await record({ type: 'RecordReadReceiptOutcome', data: { messageId, failure: null, reason: 'unknown' } });
      return 'settled';
    }
    // Before the attempt is recorded, as for messages; a receipt superseded meanwhile records nothing below.
    if (!(await this.deps.limiter.acquire(conversation.phoneNumberId))) return 'stopped';
    const route = await findChannelByPhoneNumberId(this.deps.store, conversation.phoneNumberId);
    if (route && route.portalId !== conversation.portalId) {
      throw new DomainError(
        'CHANNEL_NOT_CONNECTED',
        `The number ${conversation.phoneNumberId} is now held by another portal`,
      );
    }
    const attempted = await record({ type: 'RecordReadReceiptAttempt', data: { messageId } });
    if (attempted.events.length === 0) return 'continue';
    const body = { messaging_product: 'whatsapp', status: 'read', message_id: receipt.wamid } as const;
    const call = await this.deps.slots.run(() => this.deps.graph.sendMessage(conversation.phoneNumberId, body));
    return (await this.recordOutcome(record, outcomeOf(messageId, call))) ? 'settled' : 'stopped';
  }

  /** Meta's answer is known only here: keep trying to record it while the store fails. */
  private async recordOutcome(
    record: (decision: ReceiptDecision) => Promise<unknown>,
    decision: ReceiptDecision,
  ): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await record(decision);
        return true;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        logger.error(`Could not record Meta's answer to a read receipt: ${String(error)}`);
        if (!(await this.deps.sleep(this.storeRetryDelay(failures)))) return false;
      }
    }
  }

  private storeRetryDelay(failures: number): number {
    return storeRetryDelayMs(failures, this.deps.settings);
  }
}

/** 2xx: Meta took it (it answers `{"success": true}`); an error or no connection: refused; no answer: unknown. */
function outcomeOf(messageId: string, call: GraphCall): ReceiptDecision {
  if (call.outcome === 'answered' && call.httpStatus >= 200 && call.httpStatus < 300) {
    return { type: 'RecordReadReceiptOutcome', data: { messageId, failure: null } };
  }
  const outcome = classifyGraphCall(call);
  if (outcome.kind === 'not_taken') {
    return { type: 'RecordReadReceiptOutcome', data: { messageId, failure: outcome.failure, reason: 'refused' } };
  }
  const failure: OutboundFailure = {
    code: null,
    title: 'No answer from Meta',
    message: outcome.kind === 'unknown' ? outcome.reason : 'Meta answered without an outcome',
    httpStatus: null,
  };
  return { type: 'RecordReadReceiptOutcome', data: { messageId, failure, reason: 'unknown' } };
}
