import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ChangeMonthlyLimit, RegisteredPortal } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { handlePortalCommand } from './handle-portal-command.js';

/** Changes the monthly conversation limit of `origin.portalId` from `data.effectiveFrom` on. */
export class ChangeMonthlyLimitCommand extends Command<RegisteredPortal> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ChangeMonthlyLimit['data'],
  ) {
    super();
  }
}

@CommandHandler(ChangeMonthlyLimitCommand)
export class ChangeMonthlyLimitHandler implements ICommandHandler<ChangeMonthlyLimitCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: ChangeMonthlyLimitCommand): Promise<RegisteredPortal> {
    const context = contextFrom(origin, this.clock.now());
    const command: ChangeMonthlyLimit = { type: 'ChangeMonthlyLimit', data, context };
    return handlePortalCommand(this.store, origin, command);
  }
}
