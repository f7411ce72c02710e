import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RecordOutboundWamid } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/** The dispatcher records Meta's id for a sent message, so status webhooks can find it. */
export class RecordOutboundWamidCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly data: RecordOutboundWamid['data'],
  ) {
    super();
  }
}

@CommandHandler(RecordOutboundWamidCommand)
export class RecordOutboundWamidHandler implements ICommandHandler<RecordOutboundWamidCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, data }: RecordOutboundWamidCommand): Promise<ConversationChange> {
    const command = conversationCommand('RecordOutboundWamid', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
