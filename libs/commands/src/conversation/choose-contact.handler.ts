import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { findContactIdsByPhone } from '../contact/contact-phone-index.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import {
  type ConversationChange,
  changeOf,
  conversationCommand,
  loadConversation,
  onConversation,
} from './conversation-commands.js';

/** An agent picks which of the contacts sharing the conversation's number wrote. */
export class ChooseContactCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly contactId: string,
  ) {
    super();
  }
}

/**
 * The candidates are looked up now, in the caller's portal, by the conversation's number: a
 * contact created since the ambiguity was recorded may be chosen, another portal's never.
 */
@CommandHandler(ChooseContactCommand)
export class ChooseContactHandler implements ICommandHandler<ChooseContactCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, contactId }: ChooseContactCommand): Promise<ConversationChange> {
    const conversation = await loadConversation(this.store, conversationId);
    // Another portal's conversation gets no lookup: the decider refuses it as unknown.
    const matchingContactIds =
      conversation.status === 'Started' && conversation.portalId === origin.portalId
        ? await findContactIdsByPhone(this.store, origin.portalId, `+${conversation.contactWaId}`)
        : [];
    const data = { contactId, matchingContactIds };
    const command = conversationCommand('ChooseContact', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
