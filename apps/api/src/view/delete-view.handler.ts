import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { viewDecider, viewStream } from '@helpdesk/domain';
import type { DeleteView, ViewState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Deletes a view; private views only by their creator or an admin. */
export class DeleteViewCommand extends Command<ViewState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: DeleteView['data'],
  ) {
    super();
  }
}

@CommandHandler(DeleteViewCommand)
export class DeleteViewHandler implements ICommandHandler<DeleteViewCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: DeleteViewCommand): Promise<ViewState> {
    const command: DeleteView = { type: 'DeleteView', data, context: contextFrom(origin, this.clock.now()) };
    const stream = viewStream(origin.portalId, data.viewId);
    const { state } = await handleCommand(this.store, stream, viewDecider, command, { causation: causationFrom(origin) });
    return state;
  }
}
