import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { channelDecider, channelStreamName, DomainError, normaliseToE164 } from '@helpdesk/domain';
import type { ChannelState, RemovePhoneNumber } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { channelRequest, releasePhoneNumbers } from './phone-number-claims.js';

/** Refusals that prove the account should not hold the number: a removal that crashed before releasing it. */
const LEFT_A_CLAIM_BEHIND = ['PHONE_NUMBER_NOT_ON_CHANNEL', 'CHANNEL_NOT_CONNECTED'];

export class RemovePhoneNumberCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: RemovePhoneNumber['data'],
  ) {
    super();
  }
}

/** Removes the number from the account first (the account is what routes), then releases its claim. */
@CommandHandler(RemovePhoneNumberCommand)
export class RemovePhoneNumberHandler implements ICommandHandler<RemovePhoneNumberCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: RemovePhoneNumberCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const command: RemovePhoneNumber = { type: 'RemovePhoneNumber', data, context: contextFrom(origin, request.now) };
    const release = () =>
      releasePhoneNumbers(request, this.store, data.accountId, [normaliseToE164(data.displayNumber)]);
    try {
      const { state } = await handleCommand(this.store, channelStreamName(data.accountId), channelDecider, command, {
        causation: request.causation,
      });
      await release();
      return state;
    } catch (error) {
      if (error instanceof DomainError && LEFT_A_CLAIM_BEHIND.includes(error.code)) await release();
      throw error;
    }
  }
}
