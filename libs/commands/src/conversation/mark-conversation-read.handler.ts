import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { loadState } from '@helpdesk/command-handling';
import { portalDecider, portalStreamName } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { type ConversationChange, changeOf, conversationCommand, onConversation } from './conversation-commands.js';

/**
 * An agent read the conversation: the unread count resets and, if the portal sends read receipts
 * to contacts (its setting, read here), the receipt's intent is recorded for the dispatcher.
 */
export class MarkConversationReadCommand extends Command<ConversationChange> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
  ) {
    super();
  }
}

@CommandHandler(MarkConversationReadCommand)
export class MarkConversationReadHandler implements ICommandHandler<MarkConversationReadCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, conversationId }: MarkConversationReadCommand): Promise<ConversationChange> {
    const { state: portal } = await loadState(this.store, portalStreamName(origin.portalId), portalDecider);
    // On unless an admin turned them off or the portal is suspended (its conversations exist only once it is registered).
    const sendReceipt = portal.status !== 'Registered' || (portal.readReceiptsToContacts && portal.suspended === null);
    const command = conversationCommand('MarkConversationRead', { sendReceipt }, origin, this.clock.now());
    return changeOf(conversationId, await onConversation(this.store, conversationId, command, origin));
  }
}
