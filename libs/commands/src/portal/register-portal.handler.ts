import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RegisteredPortal, RegisterPortal } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { handlePortalCommand } from './handle-portal-command.js';

/** Registers the portal `origin.portalId` (the tenant). */
export class RegisterPortalCommand extends Command<RegisteredPortal> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: RegisterPortal['data'],
  ) {
    super();
  }
}

@CommandHandler(RegisterPortalCommand)
export class RegisterPortalHandler implements ICommandHandler<RegisterPortalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: RegisterPortalCommand): Promise<RegisteredPortal> {
    const context = contextFrom(origin, this.clock.now());
    const command: RegisterPortal = { type: 'RegisterPortal', data, context };
    return handlePortalCommand(this.store, origin, command);
  }
}
