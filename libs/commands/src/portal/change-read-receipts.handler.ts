import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ChangeReadReceiptsToContacts, RegisteredPortal } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { handlePortalCommand } from './handle-portal-command.js';

/** Turns read receipts to contacts (blue ticks when an agent reads) on or off for `origin.portalId`. */
export class ChangeReadReceiptsToContactsCommand extends Command<RegisteredPortal> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ChangeReadReceiptsToContacts['data'],
  ) {
    super();
  }
}

@CommandHandler(ChangeReadReceiptsToContactsCommand)
export class ChangeReadReceiptsToContactsHandler implements ICommandHandler<ChangeReadReceiptsToContactsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: ChangeReadReceiptsToContactsCommand): Promise<RegisteredPortal> {
    const context = contextFrom(origin, this.clock.now());
    const command: ChangeReadReceiptsToContacts = { type: 'ChangeReadReceiptsToContacts', data, context };
    return handlePortalCommand(this.store, origin, command);
  }
}
