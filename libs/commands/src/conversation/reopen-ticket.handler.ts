import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ReopenTicket } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/** Reopens the conversation's current ticket. */
export class ReopenTicketCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly data: ReopenTicket['data'],
  ) {
    super();
  }
}

@CommandHandler(ReopenTicketCommand)
export class ReopenTicketHandler implements ICommandHandler<ReopenTicketCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, data }: ReopenTicketCommand): Promise<ConversationChange> {
    const command = conversationCommand('ReopenTicket', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
