import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ChannelState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { appendWithClaims, channelRequest, type AddPhoneNumberDraft } from './phone-number-claims.js';
import { PHONE_NUMBER_OWNERSHIP, type PhoneNumberOwnershipCheck } from './phone-number-ownership.js';

/** Adds a number Meta lists under the account's WABA, claiming it and its phone_number_id. */
export class AddPhoneNumberCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: AddPhoneNumberDraft['data'],
  ) {
    super();
  }
}

@CommandHandler(AddPhoneNumberCommand)
export class AddPhoneNumberHandler implements ICommandHandler<AddPhoneNumberCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PHONE_NUMBER_OWNERSHIP) private readonly ownership: PhoneNumberOwnershipCheck,
  ) {}

  async execute({ origin, data }: AddPhoneNumberCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const draft: AddPhoneNumberDraft = { type: 'AddPhoneNumber', data, context: contextFrom(origin, request.now) };
    return appendWithClaims(request, this.store, this.ownership, draft);
  }
}
