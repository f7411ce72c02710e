import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ConversationCommand as DomainConversationCommand } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/**
 * The conversation commands whose handling is only load, decide, append (assign, close or reopen
 * a ticket, quarantine or reveal a message, record a delivery status or Meta's id, resend,
 * associate a contact...): every command of the domain but those with a workflow of their own.
 */
export type PlainConversationCommandType = Exclude<
  DomainConversationCommand['type'],
  'ReceiveInboundMessage' | 'ReplyToContact' | 'SendTemplate' | 'StartConversation' | 'ChooseContact'
>;

/** Each command's data by its type (an indexed type, so that the command class stays covariant in its type). */
type DataByType = { [Plain in DomainConversationCommand as Plain['type']]: Plain['data'] };

/**
 * Any plain conversation command, by the domain's type and data: a new command of the domain
 * needs no handler of its own, e.g. `new RunConversationCommand(origin, id, 'CloseTicket', { ticketId })`.
 */
export class RunConversationCommand<
  Type extends PlainConversationCommandType = PlainConversationCommandType,
> extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly type: Type,
    readonly data: DataByType[Type],
  ) {
    super();
  }
}

@CommandHandler(RunConversationCommand)
export class RunConversationCommandHandler implements ICommandHandler<RunConversationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId, type, data }: RunConversationCommand): Promise<ConversationChange> {
    const command = conversationCommand(type, data, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
