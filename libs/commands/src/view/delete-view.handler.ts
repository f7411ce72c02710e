import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { viewDecider, viewStreamName } from '@helpdesk/domain';
import type { DeleteView, ViewState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { releaseViewSlot } from './view-slots.js';

/** Deletes a view, and frees its slot (VIEW_LIMITS); private views only by their creator or an admin. */
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
    const now = this.clock.now();
    const command: DeleteView = { type: 'DeleteView', data, context: contextFrom(origin, now) };
    const stream = viewStreamName(origin.portalId, data.viewId);
    const causation = causationFrom(origin);
    const { state } = await handleCommand(this.store, stream, viewDecider, command, { causation });
    // Also when the view was deleted already: deleting again frees a slot a crash left taken.
    await releaseViewSlot(this.store, origin, now, causation, data.viewId);
    return state;
  }
}
