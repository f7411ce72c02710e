import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { deterministicEventId, loadState } from '@helpdesk/command-handling';
import { contactDecider, contactStreamName, conversationIdOf, normaliseToE164, refuse, toWaId } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';
import { findPortalNumber } from '../channel/find-channel-by-number.js';
import { findContactIdsByPhone } from '../contact/contact-phone-index.js';
import { QuotaGate } from '../quota/quota-gate.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { indexConversation } from './conversations-by-phone.js';
import { OutboundSendWorkflow, type SentMessageReceipt, type TemplateRequest } from './outbound-send.workflow.js';

/**
 * Whom to write to: a contact of the portal (its mobile number, else its phone number; `phone`
 * chooses one of the two), or a number alone.
 */
export type ConversationTarget =
  { readonly contactId: string; readonly phone?: string } | { readonly contactId?: undefined; readonly phone: string };

export interface StartedConversationReceipt extends SentMessageReceipt {
  readonly ticketId: string;
}

/** An agent opens a WhatsApp thread with a contact from one of the portal's numbers, with a template. */
export class StartConversationCommand extends Command<StartedConversationReceipt> {
  constructor(
    readonly origin: CommandOrigin,
    readonly target: ConversationTarget,
    readonly fromPhoneNumberId: string,
    readonly template: TemplateRequest,
  ) {
    super();
  }
}

/**
 * Resolves the two ends (the contact's number in E.164, one of the portal's connected numbers),
 * then hands the template to `OutboundSendWorkflow.startConversation`: the conversation id derives
 * from (portal, number, contact), so the conversation's stream arbitrates concurrent starts. Every
 * refusal comes before anything is counted or recorded.
 */
@CommandHandler(StartConversationCommand)
export class StartConversationHandler implements ICommandHandler<StartConversationCommand> {
  private readonly send: OutboundSendWorkflow;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) clock: Clock,
    quota: QuotaGate,
  ) {
    this.send = new OutboundSendWorkflow(store, clock, quota);
  }

  async execute({ origin, target, fromPhoneNumberId, template }: StartConversationCommand) {
    const { portalId } = origin;
    const asked = target.phone === undefined ? null : normaliseToE164(target.phone);
    const { displayNumber } = await findPortalNumber(this.store, portalId, fromPhoneNumberId);
    const { contactPhone, contactId } = await this.contactEnd(portalId, target.contactId, asked);
    const contactWaId = toWaId(contactPhone);
    const conversationId = conversationIdOf({ portalId, phoneNumberId: fromPhoneNumberId, contactWaId });
    // The same request (idempotency key) always names the same ticket, so a retry answers with it.
    const ticketId = origin.idempotencyKey
      ? deterministicEventId(`ticket|${conversationId}|${origin.idempotencyKey}`)
      : randomUUID();
    const opening = {
      conversationId,
      phoneNumberId: fromPhoneNumberId,
      businessPhone: displayNumber,
      contactPhone,
      contactId,
      ticketId,
    };
    const receipt = await this.send.startConversation(origin, opening, template);
    await indexConversation(this.store, portalId, contactWaId, { conversationId, phoneNumberId: fromPhoneNumberId });
    return { ...receipt, ticketId };
  }

  /** Another portal's contact answers exactly as an unknown one. */
  private async contactEnd(
    portalId: string,
    contactId: string | undefined,
    asked: string | null,
  ): Promise<{ contactPhone: string; contactId: string | null }> {
    if (contactId === undefined) {
      if (asked === null) refuse('INVALID_COMMAND', 'Name a contact or a phone number');
      const matching = await findContactIdsByPhone(this.store, portalId, asked);
      return { contactPhone: asked, contactId: matching.length === 1 ? matching[0] : null };
    }
    const { state: contact } = await loadState(this.store, contactStreamName(portalId, contactId), contactDecider);
    if (contact.status !== 'Active' || contact.portalId !== portalId) {
      refuse('CONTACT_NOT_FOUND', `Contact ${contactId} does not exist`);
    }
    const numbers = [contact.mobilePhoneNumber, contact.phoneNumber].filter((n): n is string => n !== null);
    if (asked !== null && !numbers.includes(asked)) {
      refuse('INVALID_PHONE_NUMBER', `${asked} is not a number of contact ${contactId}`, { input: asked });
    }
    const contactPhone = asked ?? numbers[0];
    if (contactPhone === undefined) {
      refuse('CONTACT_HAS_NO_PHONE_NUMBER', `Contact ${contactId} has no phone number to write to`);
    }
    return { contactPhone, contactId };
  }
}
