import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { deterministicEventId } from '@helpdesk/command-handling';
import {
  type ConversationState,
  type InboundContent,
  conversationIdOf,
  numberConnectedAt,
  refuse,
  toWaId,
} from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { findChannelByDisplayNumber, findChannelByPhoneNumberId } from '../channel/find-channel-by-number.js';
import type { ChannelByNumber } from '../channel/find-channel-by-number.js';
import { findContactIdsByPhone } from '../contact/contact-phone-index.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';
import { indexConversation } from './conversations-by-phone.js';

/** One message of Meta's webhook, as the webhook edge parsed it. */
export interface InboundMessage {
  /** `metadata.phone_number_id`: which business number received it. */
  readonly phoneNumberId: string;
  /** `metadata.display_phone_number`, to route by when the id is not linked yet. */
  readonly displayPhoneNumber?: string;
  readonly wamid: string;
  /** The contact's number, E.164. */
  readonly from: string;
  /** Meta's timestamp, ISO. */
  readonly sentAt: string;
  readonly content: InboundContent;
  /** `contacts[].profile.name`: the name the sender gave WhatsApp, if Meta sent it. */
  readonly profileName?: string;
}

export interface InboundMessageReceipt extends ConversationChange {
  readonly messageId: string;
  /** Meta delivered this wamid before: nothing was recorded. */
  readonly duplicate: boolean;
}

export class ReceiveInboundMessageCommand extends Command<InboundMessageReceipt> {
  constructor(
    readonly message: InboundMessage,
    readonly trace: Pick<CommandOrigin, 'correlationId' | 'causationId'> = {},
  ) {
    super();
  }
}

/**
 * Routes a contact's message to its conversation by the business number that received it.
 * Every new id derives from the wamid, so Meta's redeliveries, even concurrent ones, decide
 * and append the very same events, which the store then treats as one.
 */
@CommandHandler(ReceiveInboundMessageCommand)
export class ReceiveInboundMessageHandler implements ICommandHandler<ReceiveInboundMessageCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ message, trace }: ReceiveInboundMessageCommand): Promise<InboundMessageReceipt> {
    const { portalId, phoneNumberId, displayNumber, connectedAt } = await this.route(message);
    const contactWaId = toWaId(message.from);
    const conversationId = conversationIdOf({ portalId, phoneNumberId, contactWaId });
    const origin: CommandOrigin = {
      portalId,
      actor: { kind: 'whatsapp', id: phoneNumberId },
      idempotencyKey: `inbound|${message.wamid}`,
      ...trace,
    };
    const idFor = (kind: string) => deterministicEventId(`${kind}|${conversationId}|${message.wamid}`);
    const data = {
      phoneNumberId,
      ticketId: idFor('ticket'),
      sessionId: idFor('session'),
      messageId: idFor('message'),
      wamid: message.wamid,
      from: message.from,
      to: displayNumber,
      sentAt: message.sentAt,
      numberConnectedAt: connectedAt,
      content: message.content,
      ...(message.profileName !== undefined && { profileName: message.profileName }),
    };
    const now = this.clock.now();
    const command = {
      type: 'ReceiveInboundMessage' as const,
      build: async (conversation: ConversationState) => {
        const matchingContactIds = needsContactMatch(conversation, message.wamid)
          ? await findContactIdsByPhone(this.store, portalId, message.from)
          : [];
        return conversationCommand('ReceiveInboundMessage', { ...data, matchingContactIds }, origin, now);
      },
    };
    const handled = await onConversation(this.store, conversationId, command, origin);
    await indexConversation(this.store, portalId, contactWaId, { conversationId, phoneNumberId });
    const state = handled.state;
    const messageId = state.status === 'Started' ? state.messageIdByWamid.get(message.wamid) : undefined;
    const receipt = changeOf(conversationId, handled);
    return { ...receipt, messageId: messageId ?? data.messageId, duplicate: handled.events.length === 0 };
  }

  private async route(
    message: InboundMessage,
  ): Promise<ChannelByNumber & { displayNumber: string; connectedAt: string }> {
    const { phoneNumberId, displayPhoneNumber } = message;
    const route =
      (await findChannelByPhoneNumberId(this.store, phoneNumberId)) ??
      (displayPhoneNumber ? await findChannelByDisplayNumber(this.store, displayPhoneNumber) : null);
    const number = route?.channel.phoneNumbers.find((held) => held.phoneNumberId === route.phoneNumberId);
    if (!route || !number) {
      refuse('CHANNEL_NOT_CONNECTED', `No connected WhatsApp channel holds the number ${phoneNumberId}`, {
        phoneNumberId,
      });
    }
    return { ...route, displayNumber: number.displayNumber, connectedAt: numberConnectedAt(route.channel, number) };
  }
}

/**
 * The portal's contacts with the sender's number matter only to a conversation not associated with
 * a contact yet, and not for a message it already holds (a redelivery decides nothing): otherwise
 * the contact index is not read at all.
 */
function needsContactMatch(conversation: ConversationState, wamid: string): boolean {
  if (conversation.status !== 'Started') return true;
  return conversation.contactId === null && !conversation.messageIdByWamid.has(wamid);
}
