import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { viewDecider, viewStream } from '@helpdesk/domain';
import type { CreateView, ViewState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Creates a custom view; its creator is the acting user. */
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
    const command: CreateView = { type: 'CreateView', data, context: contextFrom(origin, this.clock.now()) };
    const stream = viewStream(origin.portalId, data.viewId);
    const { state } = await handleCommand(this.store, stream, viewDecider, command, { causation: causationFrom(origin) });
    return state;
  }
}
