import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { AssociateContact } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/** Associates a contact with the conversation (a contact created after it started, or an agent's choice). */
export class AssociateContactCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly data: AssociateContact['data'],
  ) {
    super();
  }
}

@CommandHandler(AssociateContactCommand)
export class AssociateContactHandler implements ICommandHandler<AssociateContactCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, data }: AssociateContactCommand): Promise<ConversationChange> {
    const command = conversationCommand('AssociateContact', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
