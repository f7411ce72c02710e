import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { QuarantineMessage } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/** Hides a message that violates WhatsApp's content policy; it keeps its place in the thread. */
export class QuarantineMessageCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly data: QuarantineMessage['data'],
  ) {
    super();
  }
}

@CommandHandler(QuarantineMessageCommand)
export class QuarantineMessageHandler implements ICommandHandler<QuarantineMessageCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, data }: QuarantineMessageCommand): Promise<ConversationChange> {
    const command = conversationCommand('QuarantineMessage', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
