import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RegisteredPortal, ResumePortal, SuspendPortal } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { handlePortalCommand } from './handle-portal-command.js';

/** The platform operator suspends `origin.portalId`: nothing is sent for it until it is resumed. */
export class SuspendPortalCommand extends Command<RegisteredPortal> {
  constructor(
    readonly origin: CommandOrigin,
    readonly reason: string,
  ) {
    super();
  }
}

/** Sending again for `origin.portalId`. */
export class ResumePortalCommand extends Command<RegisteredPortal> {
  constructor(readonly origin: CommandOrigin) {
    super();
  }
}

@CommandHandler(SuspendPortalCommand)
export class SuspendPortalHandler implements ICommandHandler<SuspendPortalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ origin, reason }: SuspendPortalCommand): Promise<RegisteredPortal> {
    const command: SuspendPortal = {
      type: 'SuspendPortal',
      data: { reason },
      context: contextFrom(origin, this.clock.now()),
    };
    return handlePortalCommand(this.store, origin, command);
  }
}

@CommandHandler(ResumePortalCommand)
export class ResumePortalHandler implements ICommandHandler<ResumePortalCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ origin }: ResumePortalCommand): Promise<RegisteredPortal> {
    const command: ResumePortal = { type: 'ResumePortal', data: {}, context: contextFrom(origin, this.clock.now()) };
    return handlePortalCommand(this.store, origin, command);
  }
}
