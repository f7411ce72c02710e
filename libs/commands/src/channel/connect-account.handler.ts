import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ChannelState } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { appendWithClaims, channelRequest, type ConnectAccountDraft } from './phone-number-claims.js';
import { PHONE_NUMBER_OWNERSHIP, type PhoneNumberOwnershipCheck } from './phone-number-ownership.js';

/**
 * Connects a WhatsApp Business account to the portal `origin.portalId`: once Meta lists every number
 * under the WABA, it claims the WABA id, the numbers and their ids.
 */
export class ConnectAccountCommand extends Command<ChannelState> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ConnectAccountDraft['data'],
  ) {
    super();
  }
}

@CommandHandler(ConnectAccountCommand)
export class ConnectAccountHandler implements ICommandHandler<ConnectAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PHONE_NUMBER_OWNERSHIP) private readonly ownership: PhoneNumberOwnershipCheck,
  ) {}

  async execute({ origin, data }: ConnectAccountCommand): Promise<ChannelState> {
    const request = channelRequest(origin, this.clock.now());
    const draft: ConnectAccountDraft = { type: 'ConnectAccount', data, context: contextFrom(origin, request.now) };
    return appendWithClaims(request, this.store, this.ownership, draft);
  }
}
