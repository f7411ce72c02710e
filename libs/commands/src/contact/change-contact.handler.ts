import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ActiveContact, ChangeContact } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { contextFrom } from '../shared/command-origin.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { CONTACT_ASSOCIATION } from './contact-association.js';
import type { AssociateContact } from './contact-association.js';
import { recordContact } from './record-contact.js';

export class ChangeContactCommand extends Command<ActiveContact> {
  constructor(
    readonly origin: CommandOrigin,
    readonly data: ChangeContact['data'],
  ) {
    super();
  }
}

@CommandHandler(ChangeContactCommand)
export class ChangeContactHandler implements ICommandHandler<ChangeContactCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONTACT_ASSOCIATION) private readonly associate: AssociateContact,
  ) {}

  async execute({ origin, data }: ChangeContactCommand): Promise<ActiveContact> {
    const command: ChangeContact = { type: 'ChangeContact', data, context: contextFrom(origin, this.clock.now()) };
    return recordContact(this.store, this.associate, origin, command);
  }
}
