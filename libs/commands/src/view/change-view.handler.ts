import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { viewDecider, viewStreamName } from '@helpdesk/domain';
import type { ChangeView, ViewState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Changes a view's name, sharing or filters; private views only by their creator or an admin. */
export class ChangeViewCommand extends Command<ViewState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ChangeView['data'],
  ) {
    super();
  }
}

@CommandHandler(ChangeViewCommand)
export class ChangeViewHandler implements ICommandHandler<ChangeViewCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: ChangeViewCommand): Promise<ViewState> {
    const command: ChangeView = { type: 'ChangeView', data, context: contextFrom(origin, this.clock.now()) };
    const stream = viewStreamName(origin.portalId, data.viewId);
    const { state } = await handleCommand(this.store, stream, viewDecider, command, {
      causation: causationFrom(origin),
    });
    return state;
  }
}
