import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ChannelState, ConnectAccount } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { appendWithClaims, channelRequest } from './phone-number-claims.js';

/** Connects a WhatsApp Business account to the portal `origin.portalId`, claiming its numbers. */
export class ConnectAccountCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ConnectAccount['data'],
  ) {
    super();
  }
}

@CommandHandler(ConnectAccountCommand)
export class ConnectAccountHandler implements ICommandHandler<ConnectAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, data }: ConnectAccountCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const command: ConnectAccount = { type: 'ConnectAccount', data, context: contextFrom(origin, request.now) };
    return appendWithClaims(request, this.store, command);
  }
}
