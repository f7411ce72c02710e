import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  type SessionState,
  type StartedConversation,
  type TemplateParameters,
  type TemplateToSend,
  bindTemplateParameters,
  conversationDecider,
  refuse,
  requireApprovedTemplate,
} from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId } from '../channel/find-channel-by-number.js';
import type { ChannelByNumber } from '../channel/find-channel-by-number.js';
import { loadPortal } from '../portal/load-portal.js';
import { QuotaGate } from '../quota/quota-gate.js';
import { quotaPortalAt } from '../quota/quota-requests.js';
import type { ReleaseRequest } from '../quota/quota-requests.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { loadTemplate } from '../template/load-template.js';
import { changeOf, conversationCommand, isReplayedRequest, loadConversation, newMessageId, onConversation } from './conversation-commands.js';
import { mustSettleAgain, openSession, releaseAfter } from './outbound-sending.js';
import type { SentMessageReceipt } from './reply-to-contact.handler.js';

export interface TemplateRequest {
  readonly name: string;
  readonly language: string;
  readonly parameters: TemplateParameters;
}

/** An approved template message: allowed at any time, the only message allowed outside a session. */
export class SendTemplateCommand extends Command<SentMessageReceipt> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly template: TemplateRequest,
    /** Optional: otherwise derived from the idempotency key, or new. */
    readonly messageId?: string,
  ) {
    super();
  }
}

/** How the quota took the message, and how to give it back. */
interface Settlement {
  readonly ruleVersion: string;
  readonly release: Omit<ReleaseRequest, 'reason'> | null;
}

/**
 * Outside a session the template starts a business-initiated conversation: it is reserved on the
 * portal's monthly quota (and an unverified account's daily cap) first, so nothing is sent when
 * the quota refuses. Inside a session it counts with the session. If recording then fails for
 * good, the reservation is given back.
 */
@CommandHandler(SendTemplateCommand)
export class SendTemplateHandler implements ICommandHandler<SendTemplateCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly quota: QuotaGate,
  ) {}

  async execute(command: SendTemplateCommand): Promise<SentMessageReceipt> {
    const { origin, conversationId, template: request } = command;
    const messageId = newMessageId(conversationId, origin, command.messageId);
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      if (await isReplayedRequest(this.store, conversationId, 'SendTemplate', origin, now)) return { conversationId, recorded: [], messageId };
      const conversation = await loadConversation(this.store, conversationId);
      const open = openSession(conversation, now);
      const unbound = { name: request.name, language: request.language, renderedText: '', parameters: request.parameters };
      const draft = { messageId, template: unbound, ruleVersion: '', businessInitiated: !open, sessionId: open?.sessionId };
      // A dry run of the pure decider: refusals, and a retried request (nothing to do), before anything is counted.
      const check = conversationCommand('SendTemplate', draft, origin, now);
      if (conversationDecider.decide(check, conversation).length === 0) return { conversationId, recorded: [], messageId };

      // The check refused anything but a started conversation of this portal.
      const route = await this.channelOf(conversation as StartedConversation);
      const template = await this.render(route, request);
      const settlement = await this.settle(origin, now, route, conversationId, messageId, open);
      const data = { ...draft, template, ruleVersion: settlement.ruleVersion };
      try {
        const send = conversationCommand('SendTemplate', data, origin, now);
        return { ...changeOf(conversationId, await onConversation(this.store, conversationId, send, origin)), messageId };
      } catch (error) {
        if (settlement.release) await releaseAfter(error, this.quota, settlement.release);
        if (!mustSettleAgain(error, attempt)) throw error;
      }
    }
  }

  private async channelOf(conversation: StartedConversation): Promise<ChannelByNumber> {
    const route = await findChannelByPhoneNumberId(this.store, conversation.phoneNumberId);
    // The number must still be this portal's: a number held elsewhere now is not this conversation's channel.
    if (!route || route.portalId !== conversation.portalId) refuse('CHANNEL_NOT_CONNECTED', 'The WhatsApp number of this conversation is no longer connected');
    return route;
  }

  private async render(route: ChannelByNumber, { name, language, parameters }: TemplateRequest): Promise<TemplateToSend> {
    const template = requireApprovedTemplate(await loadTemplate(this.store, route.portalId, route.accountId, name, language));
    const rendered = bindTemplateParameters(template, parameters);
    const header = rendered.header === undefined ? {} : { renderedHeader: rendered.header };
    return { name, language, renderedText: rendered.body, ...header, parameters };
  }

  private async settle(
    origin: CommandOrigin,
    now: Date,
    route: ChannelByNumber,
    conversationId: string,
    messageId: string,
    open: SessionState | null,
  ): Promise<Settlement> {
    const portal = quotaPortalAt(await loadPortal(this.store, origin.portalId), now);
    const released = { origin, now, portalId: portal.portalId, messageId };
    const request = { origin, now, portal, conversationId, messageId };
    if (open) {
      const count = await this.quota.countUserInitiatedSession({ ...request, sessionId: open.sessionId });
      return { ruleVersion: count.ruleVersion, release: count.counted ? { ...released, periodKey: count.periodKey } : null };
    }
    const { channel, accountId } = route;
    const account = { accountId, verified: channel.businessVerified, timeZone: channel.timeZone };
    const reservation = await this.quota.reserveBusinessInitiatedConversation({ ...request, account });
    const { periodKey, daily } = reservation;
    return { ruleVersion: reservation.ruleVersion, release: { ...released, periodKey, ...(daily && { daily }) } };
  }
}
