import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { templateDecider, templateStreamName } from '@helpdesk/domain';
import type { ApproveTemplate, TemplateState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Meta approved the template: from now on it can be sent. */
export class ApproveTemplateCommand extends Command<TemplateState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ApproveTemplate['data'],
  ) {
    super();
  }
}

@CommandHandler(ApproveTemplateCommand)
export class ApproveTemplateHandler implements ICommandHandler<ApproveTemplateCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: ApproveTemplateCommand): Promise<TemplateState> {
    const command: ApproveTemplate = { type: 'ApproveTemplate', data, context: contextFrom(origin, this.clock.now()) };
    const stream = templateStreamName(data.accountId, data.name, data.language);
    const { state } = await handleCommand(this.store, stream, templateDecider, command, {
      causation: causationFrom(origin),
    });
    return state;
  }
}
