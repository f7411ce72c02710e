import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RevealQuarantinedMessage } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/** An auditor reveals quarantined content; every reveal is recorded with its reason. */
export class RevealQuarantinedMessageCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly data: RevealQuarantinedMessage['data'],
  ) {
    super();
  }
}

@CommandHandler(RevealQuarantinedMessageCommand)
export class RevealQuarantinedMessageHandler implements ICommandHandler<RevealQuarantinedMessageCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, data }: RevealQuarantinedMessageCommand): Promise<ConversationChange> {
    const command = conversationCommand('RevealQuarantinedMessage', data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
