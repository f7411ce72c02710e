import { Logger } from '@nestjs/common';
import { type Actor, type ConversationCommand, DomainError, type OutboundFailure } from '@helpdesk/domain';
import type { MediaStore } from '@helpdesk/media-store';
import type { EventStore } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId } from '@helpdesk/commands/channel/find-channel-by-number.js';
import { onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { type CommandOrigin, contextFrom } from '@helpdesk/commands/shared/command-origin.js';
import { type BackoffPolicy, retryDelayMs } from './backoff.js';
import { type AcceptedOutboundMessage, buildMessageRequest } from './build-message-request.js';
import { type SendOutcome, classifyGraphCall, classifyUploadCall } from './classify-graph-call.js';
import { nextDeliveryStep } from './delivery-step.js';
import type { GraphApi } from './graph-api-client.js';
import { type OutboundMessage, readOutboundMessage } from './outbound-message.js';
import type { NumberRateLimiter } from './number-rate-limiter.js';
import type { RequestSlots } from './request-slots.js';

export interface DeliverySettings {
  /** How long an attempt without an outcome may still be under way elsewhere: past it, it is unknown. */
  readonly staleAttemptMs: number;
  readonly backoff: BackoffPolicy;
  /** First wait after the event store failed; it doubles up to `storeRetryMaxMs`. */
  readonly storeRetryMs: number;
  readonly storeRetryMaxMs: number;
}

export interface DeliveryDependencies {
  readonly store: EventStore;
  readonly graph: GraphApi;
  readonly clock: Clock;
  /** In [0, 1): the jitter of retry delays. */
  readonly random: () => number;
  /** Resolves false, early, once the dispatcher stops. */
  readonly sleep: (ms: number) => Promise<boolean>;
  readonly slots: RequestSlots;
  /** Meta's throughput per sending number: waited on before an attempt is recorded. */
  readonly limiter: NumberRateLimiter;
  readonly settings: DeliverySettings;
  /** Once true, no new step starts; a call under way still gets its answer recorded. */
  readonly isStopping: () => boolean;
  /** Where agents' uploads are kept, to upload them to Meta before their message is sent. */
  readonly media?: MediaStore;
}

type DispatcherCommand = Extract<
  ConversationCommand,
  {
    type:
      'RecordOutboundSendAttempt' | 'RecordOutboundSendFailure' | 'MarkOutboundDeliveryUnknown' | 'RecordOutboundWamid';
  }
>;
/** A command before its context (who, when) is filled in; one shape per command type. */
type DispatcherDecision = DispatcherCommand extends infer C
  ? C extends DispatcherCommand
    ? Omit<C, 'context'>
    : never
  : never;

/** The upload a reply carries and Meta has no id for yet. */
function uploadOf(accepted: AcceptedOutboundMessage) {
  if (accepted.type !== 'ReplyAccepted') return undefined;
  const { content } = accepted.data;
  return content.kind !== 'text' && content.mediaId === undefined ? content.upload : undefined;
}

/** The reply with Meta's id for its media: sent by that id, not uploaded. */
function withMetaMediaId(accepted: AcceptedOutboundMessage, mediaId: string): AcceptedOutboundMessage {
  if (accepted.type !== 'ReplyAccepted' || accepted.data.content.kind === 'text') return accepted;
  const content = { ...accepted.data.content, mediaId };
  return { ...accepted, data: { ...accepted.data, content } };
}

function mediaIdOf(accepted: AcceptedOutboundMessage): string | undefined {
  return accepted.type === 'ReplyAccepted' && accepted.data.content.kind !== 'text'
    ? accepted.data.content.mediaId
    : undefined;
}

/** A failure on our side before Meta was asked: no HTTP status, so it is retried like an unreachable Meta. */
function localFailure(title: string, message: string): OutboundFailure {
  return { code: null, title, message, httpStatus: null };
}

const DISPATCHER: Actor = { kind: 'system', id: 'outbound-dispatcher' };
const logger = new Logger('OutboundDelivery');

/**
 * Takes one message to an end, one step at a time, each decided from the message's state in its
 * conversation stream (never from memory): record the attempt, call Meta, record the answer; wait
 * for a scheduled retry; mark an attempt left without an outcome as unknown.
 */
export class MessageDelivery {
  constructor(private readonly deps: DeliveryDependencies) {}

  /** True once the message reached an end (or can never be sent); false when the dispatcher stopped first. */
  async deliver(conversationId: string, messageId: string): Promise<boolean> {
    let storeFailures = 0;
    while (!this.deps.isStopping()) {
      try {
        const next = await this.step(conversationId, messageId);
        if (next !== 'continue') return next === 'settled';
        storeFailures = 0;
      } catch (error) {
        if (error instanceof DomainError) {
          logger.error(`Message ${messageId} of ${conversationId} cannot be sent: ${error.code} ${error.message}`);
          return true;
        }
        logger.warn(`Could not deliver message ${messageId} yet, trying again: ${String(error)}`);
        if (!(await this.deps.sleep(this.storeRetryDelay(++storeFailures)))) return false;
      }
    }
    return false;
  }

  private async step(conversationId: string, messageId: string): Promise<'settled' | 'continue' | 'stopped'> {
    const message = await readOutboundMessage(this.deps.store, conversationId, messageId);
    if (message === null) {
      logger.warn(`No message ${messageId} sent by the business in ${conversationId}: nothing to send`);
      return 'settled';
    }
    const step = nextDeliveryStep(message.dispatch, this.deps.clock.now(), this.deps.settings.staleAttemptMs);
    switch (step.kind) {
      case 'done':
        return 'settled';
      case 'wait':
        return (await this.deps.sleep(step.ms)) ? 'continue' : 'stopped';
      case 'mark_unknown': {
        const reason = 'The attempt has no recorded outcome (the dispatcher stopped during the call); it is not resent';
        await this.record(message, {
          type: 'MarkOutboundDeliveryUnknown',
          data: { messageId, attempt: step.attempt, reason },
        });
        return 'continue';
      }
      case 'attempt':
        return (await this.attempt(message, step.attempt)) ? 'continue' : 'stopped';
    }
  }

  /** Sends only if this dispatcher recorded the attempt; false if it stopped before recording the answer. */
  private async attempt(message: OutboundMessage, attempt: number): Promise<boolean> {
    const { messageId, conversation } = message;
    // Room in the number's second first: the wait comes before the attempt is recorded, never between
    // it and the call (a stop during the wait records and sends nothing). A message another
    // dispatcher attempted meanwhile is not recorded again below, and re-read.
    if (!(await this.deps.limiter.acquire(conversation.phoneNumberId))) return false;
    // Never from a number another portal holds now (a number given up and connected elsewhere, or a
    // conversation recorded before ids were claimed): the message waits, nothing is sent or recorded.
    const route = await findChannelByPhoneNumberId(this.deps.store, conversation.phoneNumberId);
    if (route && route.portalId !== conversation.portalId) {
      throw new DomainError(
        'CHANNEL_NOT_CONNECTED',
        `The number ${conversation.phoneNumberId} of this conversation is now held by another portal`,
      );
    }
    let body = buildMessageRequest(message.accepted, conversation.contactWaId);
    const recorded = await this.record(message, { type: 'RecordOutboundSendAttempt', data: { messageId, attempt } });
    if (recorded.events.length === 0) return true;
    // An agent's upload goes to Meta first, within the recorded attempt: a failed upload is this
    // attempt's failure (the message was not sent), retried or final like a refused send. A retry
    // after a send that failed once the upload succeeded sends that media by its id instead.
    let uploadedNow: string | undefined;
    if (uploadOf(message.accepted)) {
      const earlier = message.dispatch.status === 'retry_scheduled' ? message.dispatch.metaMediaId : undefined;
      const uploaded = earlier
        ? { accepted: withMetaMediaId(message.accepted, earlier) }
        : await this.uploadToMeta(message);
      if ('failure' in uploaded) {
        const notTaken: SendOutcome = { kind: 'not_taken', failure: uploaded.failure };
        return this.recordOutcome(message, this.outcomeCommand(message, attempt, notTaken));
      }
      // Only an id this attempt got is handed on: one that failed again may be the cause (expired).
      if (!earlier) uploadedNow = mediaIdOf(uploaded.accepted);
      body = buildMessageRequest(uploaded.accepted, conversation.contactWaId);
    }
    const sendBody = body;
    const call = await this.deps.slots.run(() => this.deps.graph.sendMessage(conversation.phoneNumberId, sendBody));
    return this.recordOutcome(message, this.outcomeCommand(message, attempt, classifyGraphCall(call), uploadedNow));
  }

  /** The message with Meta's id for its uploaded media, or why there is none. Never throws. */
  private async uploadToMeta(
    message: OutboundMessage,
  ): Promise<{ accepted: AcceptedOutboundMessage } | { failure: OutboundFailure }> {
    const { accepted, conversation } = message;
    const content = accepted.type === 'ReplyAccepted' ? accepted.data.content : null;
    const upload = uploadOf(accepted);
    const graph = this.deps.graph;
    if (!content || content.kind === 'text' || !upload || !graph.uploadMedia || !this.deps.media) {
      return { failure: localFailure('Media uploads are off', 'This dispatcher has no media store or upload client') };
    }
    const opened = await this.deps.media.open(upload.storageKey).catch((error: unknown) => {
      logger.warn(`Could not open the upload of message ${message.messageId}: ${String(error)}`);
      return null;
    });
    if (!opened) {
      return { failure: localFailure('The uploaded file cannot be read', `No file under ${upload.storageKey}`) };
    }
    const fileName = content.filename ?? `${content.kind}-${upload.uploadId}`;
    const file = { bytes: opened.stream, sizeBytes: opened.sizeBytes, mimeType: content.mimeType, fileName };
    const call = await this.deps.slots.run(() => graph.uploadMedia!(conversation.phoneNumberId, file));
    opened.stream.destroy();
    const outcome = classifyUploadCall(call);
    if (outcome.kind === 'not_taken') return { failure: outcome.failure };
    return { accepted: withMetaMediaId(accepted, outcome.mediaId) };
  }

  private outcomeCommand(
    message: OutboundMessage,
    attempt: number,
    outcome: SendOutcome,
    metaMediaId?: string,
  ): DispatcherDecision {
    const { messageId } = message;
    switch (outcome.kind) {
      case 'accepted':
        return { type: 'RecordOutboundWamid', data: { messageId, wamid: outcome.wamid } };
      case 'not_taken': {
        const retryDelay = retryDelayMs(attempt, this.deps.random, this.deps.settings.backoff);
        return {
          type: 'RecordOutboundSendFailure',
          data: {
            messageId,
            attempt,
            failure: outcome.failure,
            retryDelayMs: retryDelay,
            ...(metaMediaId !== undefined && { metaMediaId }),
          },
        };
      }
      case 'unknown':
        return { type: 'MarkOutboundDeliveryUnknown', data: { messageId, attempt, reason: outcome.reason } };
    }
  }

  /**
   * Meta's answer is known only here: keep trying to record it while the store fails. If the
   * dispatcher stops first, the attempt stays without an outcome and becomes unknown, never resent.
   */
  private async recordOutcome(message: OutboundMessage, command: DispatcherDecision): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await this.record(message, command);
        return true;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        logger.error(
          `Could not record Meta's answer for message ${message.messageId} (${command.type}): ${String(error)}`,
        );
        if (!(await this.deps.sleep(this.storeRetryDelay(failures)))) {
          logger.error(
            `Stopped before recording Meta's answer for message ${message.messageId}: it will be marked unknown`,
          );
          return false;
        }
      }
    }
  }

  private record(message: OutboundMessage, decision: DispatcherDecision) {
    const origin: CommandOrigin = {
      portalId: message.conversation.portalId,
      actor: DISPATCHER,
      causationId: message.causationId,
      ...(message.correlationId !== undefined && { correlationId: message.correlationId }),
    };
    const command = { ...decision, context: contextFrom(origin, this.deps.clock.now()) } as DispatcherCommand;
    return onConversation(this.deps.store, message.conversationId, command, origin);
  }

  private storeRetryDelay(failures: number): number {
    const { storeRetryMs, storeRetryMaxMs } = this.deps.settings;
    return Math.min(storeRetryMaxMs, storeRetryMs * 2 ** (failures - 1));
  }
}
