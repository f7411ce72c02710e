import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { templateDecider, templateStreamName } from '@helpdesk/domain';
import type { RejectTemplate, TemplateState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Meta rejected the template (with its reason): it cannot be sent. */
export class RejectTemplateCommand extends Command<TemplateState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: RejectTemplate['data'],
  ) {
    super();
  }
}

@CommandHandler(RejectTemplateCommand)
export class RejectTemplateHandler implements ICommandHandler<RejectTemplateCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: RejectTemplateCommand): Promise<TemplateState> {
    const command: RejectTemplate = { type: 'RejectTemplate', data, context: contextFrom(origin, this.clock.now()) };
    const stream = templateStreamName(data.accountId, data.name, data.language);
    const { state } = await handleCommand(this.store, stream, templateDecider, command, {
      causation: causationFrom(origin),
    });
    return state;
  }
}
