import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { AddPhoneNumber, ChannelState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { appendWithClaims, channelRequest } from './phone-number-claims.js';

export class AddPhoneNumberCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: AddPhoneNumber['data'],
  ) {
    super();
  }
}

@CommandHandler(AddPhoneNumberCommand)
export class AddPhoneNumberHandler implements ICommandHandler<AddPhoneNumberCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: AddPhoneNumberCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const command: AddPhoneNumber = { type: 'AddPhoneNumber', data, context: contextFrom(origin, request.now) };
    return appendWithClaims(request, this.store, command);
  }
}
