import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand, loadState } from '@helpdesk/command-handling';
import { viewDecider, viewStreamName } from '@helpdesk/domain';
import type { CreateView, ViewState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { releaseViewSlot, reserveViewSlot } from './view-slots.js';

/**
 * Creates a custom view; its creator is the acting user. The view takes one of the portal's and
 * the creator's slots first (VIEW_LIMIT_REACHED past VIEW_LIMITS, with nothing appended); a view
 * the domain refuses takes none, and if the view's own append fails the slot is given back.
 */
export class CreateViewCommand extends Command<ViewState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: CreateView['data'],
  ) {
    super();
  }
}

@CommandHandler(CreateViewCommand)
export class CreateViewHandler implements ICommandHandler<CreateViewCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: CreateViewCommand): Promise<ViewState> {
    const now = this.clock.now();
    const command: CreateView = { type: 'CreateView', data, context: contextFrom(origin, now) };
    const stream = viewStreamName(origin.portalId, data.viewId);
    const causation = causationFrom(origin);
    // Decided once without appending, so an invalid view, a taken id or a non-user is refused before it takes a slot.
    viewDecider.decide(command, (await loadState(this.store, stream, viewDecider)).state);
    const reserved = await reserveViewSlot(this.store, origin, now, causation, data.viewId, origin.actor.id);
    try {
      return (await handleCommand(this.store, stream, viewDecider, command, { causation })).state;
    } catch (error) {
      if (reserved) {
        await releaseViewSlot(this.store, origin, now, causation, data.viewId).catch((releaseError: unknown) => {
          throw new AggregateError([error, releaseError], 'The view was not created, and giving back its slot failed');
        });
      }
      throw error;
    }
  }
}
