import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ChangeContactCommand } from '@helpdesk/commands/contact/change-contact.handler.js';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { ContactPayload } from './contact-mutation.payloads.js';
import { ChangeContactInput, CreateContactInput } from './contact-mutation.inputs.js';
import { tracedOriginOf, withRecordedPosition } from '../graphql/recorded-position.js';

/** Agents keep the portal's contacts, associated with the conversations on their numbers. */
@Resolver()
@Roles('agent', 'admin')
export class ContactMutationsResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Mutation(() => ContactPayload, {
    description: 'A contact, associated with the open conversations of its numbers; its id is chosen by the service.',
  })
  async createContact(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: CreateContactInput,
  ): Promise<ContactPayload> {
    const contactId = randomUUID();
    const { name, phoneNumber, mobilePhoneNumber, defaultCountry } = input;
    const data = {
      ...{ contactId, name },
      ...(phoneNumber != null && { phoneNumber }),
      ...(mobilePhoneNumber != null && { mobilePhoneNumber }),
      ...(defaultCountry != null && { defaultCountry }),
    };
    const origin = tracedOriginOf(user);
    const { position } = await withRecordedPosition(this.store, origin, () =>
      this.commands.execute(new CreateContactCommand(origin, data)),
    );
    return { contactId, position };
  }

  @Mutation(() => ContactPayload, {
    description: 'Renames a contact or changes its numbers; conversations on a new number are associated.',
  })
  async changeContact(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ChangeContactInput,
  ): Promise<ContactPayload> {
    const { contactId, name, phoneNumber, mobilePhoneNumber, defaultCountry } = input;
    const data = {
      ...{ contactId },
      ...(name != null && { name }),
      // Here null means "remove the number", and only an absent field leaves it alone.
      ...(phoneNumber !== undefined && { phoneNumber }),
      ...(mobilePhoneNumber !== undefined && { mobilePhoneNumber }),
      ...(defaultCountry != null && { defaultCountry }),
    };
    const origin = tracedOriginOf(user);
    const { position } = await withRecordedPosition(this.store, origin, () =>
      this.commands.execute(new ChangeContactCommand(origin, data)),
    );
    return { contactId, position };
  }
}
