import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand, loadState } from '@helpdesk/command-handling';
import {
  channelDecider,
  channelStreamName,
  refuseUnknownAccount,
  templateDecider,
  templateStreamName,
} from '@helpdesk/domain';
import type { RegisterTemplate, TemplateState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Registers a message template as submitted to Meta: pending until Meta's verdict. */
export class RegisterTemplateCommand extends Command<TemplateState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: RegisterTemplate['data'],
  ) {
    super();
  }
}

@CommandHandler(RegisterTemplateCommand)
export class RegisterTemplateHandler implements ICommandHandler<RegisterTemplateCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: RegisterTemplateCommand): Promise<TemplateState> {
    // Template streams are named by account: only an account connected to the caller's portal gets
    // templates, and any other account id is refused as an unknown one.
    const { state: channel } = await loadState(this.store, channelStreamName(data.accountId), channelDecider);
    if (channel.status !== 'Connected' || channel.portalId !== origin.portalId) refuseUnknownAccount(data.accountId);
    const command: RegisterTemplate = {
      type: 'RegisterTemplate',
      data,
      context: contextFrom(origin, this.clock.now()),
    };
    const stream = templateStreamName(data.accountId, data.name, data.language);
    const { state } = await handleCommand(this.store, stream, templateDecider, command, {
      causation: causationFrom(origin),
    });
    return state;
  }
}
