import { Logger } from '@nestjs/common';
import {
  type CommandContext,
  type ConversationState,
  DomainError,
  type ReplyContent,
  type ReplyToContact,
  type SendTemplate,
  type StartConversation,
  type StartedConversation,
  type TemplateParameters,
  type TemplateToSend,
  bindTemplateParameters,
  checkConversationStart,
  checkReply,
  checkTemplateSend,
  refuse,
  refuseSendingIfSuspended,
  requireApprovedTemplate,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId, findPortalNumber } from '../channel/find-channel-by-number.js';
import type { ChannelByNumber } from '../channel/find-channel-by-number.js';
import { loadPortal } from '../portal/load-portal.js';
import type { QuotaGate } from '../quota/quota-gate.js';
import { type QuotaAccount, type ReleaseRequest, quotaPortalAt } from '../quota/quota-requests.js';
import type { Clock } from '../shared/clock.js';
import { type CommandOrigin, contextFrom } from '../shared/command-origin.js';
import { loadTemplate } from '../template/load-template.js';
import type { UploadClaims } from './upload-claims.js';
import {
  type ConversationChange,
  changeOf,
  isReplayedRequest,
  loadConversation,
  newMessageId,
  onConversation,
} from './conversation-commands.js';

export interface SentMessageReceipt extends ConversationChange {
  readonly messageId: string;
}

/** A thread an agent opens: where (the business number) and with whom, and the ticket it opens. */
export interface ConversationOpening {
  readonly conversationId: string;
  readonly phoneNumberId: string;
  /** The business number, E.164. */
  readonly businessPhone: string;
  /** The contact's number, E.164. */
  readonly contactPhone: string;
  readonly contactId: string | null;
  readonly ticketId: string;
}

export interface TemplateRequest {
  readonly name: string;
  readonly language: string;
  readonly parameters: TemplateParameters;
}

/**
 * A session that opened or closed between settling the quota and recording the message is
 * settled again, a few times at most: beyond that the refusal is the caller's answer.
 */
export const MAX_SETTLING_ATTEMPTS = 3;

/** How a message takes its share of the quota: with its open session, or as a new business-initiated conversation. */
type QuotaClaim =
  Readonly<{ kind: 'session'; sessionId: string }> | Readonly<{ kind: 'business_initiated'; account: QuotaAccount }>;

/** How the quota took the message, and how to give it back. */
interface Settlement {
  readonly ruleVersion: string;
  /** Whether this message was counted (a session's first message under a rule that counts sessions; any business-initiated one). */
  readonly counted: boolean;
  readonly release: Omit<ReleaseRequest, 'reason'> | null;
}

/** A message that passed its precondition: how its quota is claimed, and the command that records it once settled. */
interface ReadyToSend {
  readonly claim: QuotaClaim;
  /** Once settled, just before recording: what the message needs kept (an attached upload). */
  readonly beforeRecording?: (now: Date) => Promise<void>;
  readonly command: (
    settlement: Settlement,
    context: CommandContext,
  ) => ReplyToContact | SendTemplate | StartConversation;
}

/** One kind of outbound message, as the workflow drives it. */
interface OutboundMessage {
  readonly type: 'ReplyToContact' | 'SendTemplate' | 'StartConversation';
  readonly messageId: string;
  /** The pure precondition, then what the message needs before settling; null when it is already recorded. */
  readonly prepare: (conversation: ConversationState, context: CommandContext) => Promise<ReadyToSend | null>;
}

const logger = new Logger('OutboundSend');

/**
 * Sending a message to a contact, as one workflow:
 *
 * 1. precondition: a retried request (nothing to do) or a refusal, before anything is counted
 *    (`checkReply` / `checkTemplateSend`, the rules the decider applies again when recording);
 * 2. a template is routed through the conversation's channel and rendered;
 * 3. the quota is settled: counted with the open session, or a business-initiated conversation
 *    reserved on the portal's month (and an unverified account's day), so nothing is sent when
 *    the quota refuses;
 * 4. an attached upload is claimed (UploadClaims), then the message is recorded with how it was counted;
 * 5. if recording fails, what was counted is given back (compensation);
 * 6. if it failed because the session opened or closed meanwhile, all again from 1.
 */
export class OutboundSendWorkflow {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly quota: QuotaGate,
  ) {}

  /** A free-form message, allowed only while the contact's 24-hour session is open; its upload is claimed from `uploads`. */
  reply(
    origin: CommandOrigin,
    conversationId: string,
    content: ReplyContent,
    uploads: UploadClaims,
    givenId?: string,
  ): Promise<SentMessageReceipt> {
    const upload = content.kind === 'text' ? undefined : content.upload;
    const messageId = newMessageId(conversationId, origin, givenId);
    return this.run(origin, conversationId, {
      type: 'ReplyToContact',
      messageId,
      prepare: async (conversation, context) => {
        const check = checkReply(conversation, { messageId, content }, context);
        if (check.status === 'AlreadyRecorded') return null;
        const { sessionId } = check.session;
        return {
          claim: { kind: 'session', sessionId },
          ...(upload && { beforeRecording: (now: Date) => uploads.claim(origin.portalId, upload, now) }),
          command: ({ counted, ruleVersion }, commandContext) => ({
            type: 'ReplyToContact',
            data: {
              messageId,
              content,
              sessionId,
              countedAs: counted ? 'user_initiated_session' : 'free',
              ruleVersion,
            },
            context: commandContext,
          }),
        };
      },
    });
  }

  /** An approved template: allowed at any time, within the open session or starting a business-initiated conversation. */
  sendTemplate(
    origin: CommandOrigin,
    conversationId: string,
    request: TemplateRequest,
    givenId?: string,
  ): Promise<SentMessageReceipt> {
    const messageId = newMessageId(conversationId, origin, givenId);
    return this.run(origin, conversationId, {
      type: 'SendTemplate',
      messageId,
      prepare: async (conversation, context) => {
        const check = checkTemplateSend(conversation, { messageId, template: request }, context);
        if (check.status === 'AlreadyRecorded') return null;
        const route = await this.channelOf(check.conversation);
        const template = await this.render(route, request);
        const sessionId = check.session?.sessionId;
        return {
          claim: templateClaim(route, sessionId),
          command: ({ ruleVersion }, commandContext) => ({
            type: 'SendTemplate',
            data: {
              messageId,
              template,
              ruleVersion,
              ...countedWith(sessionId),
            },
            context: commandContext,
          }),
        };
      },
    });
  }

  /**
   * A new thread (or a new ticket on a closed one) opened with a template: business-initiated
   * unless the contact's session is open, settled, recorded and compensated as any template. The
   * conversation's stream arbitrates two agents starting it at once: one append lands, the other
   * is refused with CONVERSATION_EXISTS and its reservation given back.
   */
  startConversation(
    origin: CommandOrigin,
    opening: ConversationOpening,
    request: TemplateRequest,
    givenId?: string,
  ): Promise<SentMessageReceipt> {
    const { conversationId, ...where } = opening;
    const messageId = newMessageId(conversationId, origin, givenId);
    return this.run(origin, conversationId, {
      type: 'StartConversation',
      messageId,
      prepare: async (conversation, context) => {
        const check = checkConversationStart(conversation, { ...where, messageId, template: request }, context);
        if (check.status === 'AlreadyRecorded') return null;
        const route = await this.routeOf(context.portalId, where.phoneNumberId);
        const template = await this.render(route, request);
        const sessionId = check.session?.sessionId;
        return {
          claim: templateClaim(route, sessionId),
          command: ({ ruleVersion }, commandContext) => ({
            type: 'StartConversation',
            data: {
              ...where,
              messageId,
              template,
              ruleVersion,
              ...countedWith(sessionId),
            },
            context: commandContext,
          }),
        };
      },
    });
  }

  private async run(
    origin: CommandOrigin,
    conversationId: string,
    message: OutboundMessage,
  ): Promise<SentMessageReceipt> {
    const { type, messageId } = message;
    const nothingToDo: SentMessageReceipt = { conversationId, recorded: [], messageId };
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      const context = contextFrom(origin, now);
      if (await isReplayedRequest(this.store, conversationId, type, origin, now)) return nothingToDo;
      const ready = await message.prepare(await loadConversation(this.store, conversationId), context);
      if (!ready) return nothingToDo;
      const settlement = await this.settle(origin, now, conversationId, messageId, ready.claim);
      try {
        await ready.beforeRecording?.(now);
        const handled = await onConversation(this.store, conversationId, ready.command(settlement, context), origin);
        return { ...changeOf(conversationId, handled), messageId };
      } catch (error) {
        if (settlement.release) await this.compensate(error, settlement.release);
        if (!mustSettleAgain(error, attempt)) throw error;
      }
    }
  }

  private async settle(
    origin: CommandOrigin,
    now: Date,
    conversationId: string,
    messageId: string,
    claim: QuotaClaim,
  ): Promise<Settlement> {
    const registered = await loadPortal(this.store, origin.portalId);
    refuseSendingIfSuspended(registered);
    const portal = quotaPortalAt(registered, now);
    const request = { origin, now, portal, conversationId, messageId };
    const release = { origin, now, portalId: portal.portalId, messageId };
    if (claim.kind === 'session') {
      const count = await this.quota.countUserInitiatedSession({ ...request, sessionId: claim.sessionId });
      if (!count.counted) return { ruleVersion: count.ruleVersion, counted: false, release: null };
      return { ruleVersion: count.ruleVersion, counted: true, release: { ...release, periodKey: count.periodKey } };
    }
    const reservation = await this.quota.reserveBusinessInitiatedConversation({ ...request, account: claim.account });
    const { ruleVersion, periodKey, daily } = reservation;
    return { ruleVersion, counted: true, release: { ...release, periodKey, ...(daily && { daily }) } };
  }

  /** The refusal that follows stays the caller's answer: a failed release is only logged (it is safe to repeat). */
  private async compensate(error: unknown, release: Omit<ReleaseRequest, 'reason'>): Promise<void> {
    const reason = error instanceof DomainError ? error.code : 'MESSAGE_NOT_RECORDED';
    try {
      await this.quota.release({ ...release, reason });
    } catch (releaseError) {
      logger.error(`Could not give back the quota of message ${release.messageId}: ${String(releaseError)}`);
    }
  }

  private async channelOf(conversation: StartedConversation): Promise<ChannelByNumber> {
    const route = await findChannelByPhoneNumberId(this.store, conversation.phoneNumberId);
    // The number must still be this portal's: a number held elsewhere now is not this conversation's channel.
    if (!route || route.portalId !== conversation.portalId)
      refuse('CHANNEL_NOT_CONNECTED', 'The WhatsApp number of this conversation is no longer connected');
    return route;
  }

  private async routeOf(portalId: string, phoneNumberId: string): Promise<ChannelByNumber> {
    return (await findPortalNumber(this.store, portalId, phoneNumberId)).route;
  }

  private async render(
    route: ChannelByNumber,
    { name, language, parameters }: TemplateRequest,
  ): Promise<TemplateToSend> {
    const template = requireApprovedTemplate(
      await loadTemplate(this.store, route.portalId, route.accountId, name, language),
    );
    const rendered = bindTemplateParameters(template, parameters);
    const header = rendered.header === undefined ? {} : { renderedHeader: rendered.header };
    return { name, language, renderedText: rendered.body, ...header, parameters };
  }
}

/** A template goes out with the open session, or starts a business-initiated conversation. */
function templateClaim(route: ChannelByNumber, sessionId: string | undefined): QuotaClaim {
  return sessionId !== undefined
    ? { kind: 'session', sessionId }
    : { kind: 'business_initiated', account: accountOf(route) };
}

function countedWith(sessionId: string | undefined): { businessInitiated: boolean; sessionId?: string } {
  return sessionId === undefined ? { businessInitiated: true } : { businessInitiated: false, sessionId };
}

function accountOf({ channel, accountId }: ChannelByNumber): QuotaAccount {
  return { accountId, verified: channel.businessVerified, timeZone: channel.timeZone };
}

function mustSettleAgain(error: unknown, attempt: number): boolean {
  return error instanceof DomainError && error.code === 'SESSION_STATE_CHANGED' && attempt < MAX_SETTLING_ATTEMPTS;
}
