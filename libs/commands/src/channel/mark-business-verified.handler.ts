import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { channelDecider, channelStreamName } from '@helpdesk/domain';
import type { ChannelState, MarkBusinessVerified } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';

/** Meta Business Manager verified the business: lifts the 50 business-initiated conversations a day. */
export class MarkBusinessVerifiedCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: MarkBusinessVerified['data'],
  ) {
    super();
  }
}

@CommandHandler(MarkBusinessVerifiedCommand)
export class MarkBusinessVerifiedHandler implements ICommandHandler<MarkBusinessVerifiedCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: MarkBusinessVerifiedCommand): Promise<ChannelState> {
    const context = contextFrom(origin, this.clock.now());
    const command: MarkBusinessVerified = { type: 'MarkBusinessVerified', data, context };
    const { state } = await handleCommand(this.store, channelStreamName(data.accountId), channelDecider, command, {
      causation: causationFrom(origin),
    });
    return state;
  }
}
