import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/**
 * An agent sends again a message whose delivery is unknown (or that failed): the dispatcher makes
 * the next attempt. Never automatic, since the contact may then receive it twice.
 */
export class ResendOutboundMessageCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly messageId: string,
  ) {
    super();
  }
}

@CommandHandler(ResendOutboundMessageCommand)
export class ResendOutboundMessageHandler implements ICommandHandler<ResendOutboundMessageCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, messageId }: ResendOutboundMessageCommand): Promise<ConversationChange> {
    const command = conversationCommand('ResendOutboundMessage', { messageId }, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
