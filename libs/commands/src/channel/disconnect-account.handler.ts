import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@helpdesk/command-handling';
import { channelDecider, channelStreamName } from '@helpdesk/domain';
import type { ChannelState, DisconnectAccount } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { channelRequest, releasePhoneNumbers, releaseWaba } from './phone-number-claims.js';

export class DisconnectAccountCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: DisconnectAccount['data'],
  ) {
    super();
  }
}

/**
 * Disconnects, then releases the numbers the disconnection names (each with its phone_number_id),
 * then the WABA id. Disconnecting twice decides nothing but releases again, so a retry finishes
 * what a crash interrupted.
 */
@CommandHandler(DisconnectAccountCommand)
export class DisconnectAccountHandler implements ICommandHandler<DisconnectAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: DisconnectAccountCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const command: DisconnectAccount = { type: 'DisconnectAccount', data, context: contextFrom(origin, request.now) };
    const { state } = await handleCommand(this.store, channelStreamName(data.accountId), channelDecider, command, {
      causation: request.causation,
    });
    if (state.status === 'Disconnected') {
      await releasePhoneNumbers(request, this.store, data.accountId, state.releasedPhoneNumbers);
      await releaseWaba(request, this.store, data.accountId, state.wabaId);
    }
    return state;
  }
}
