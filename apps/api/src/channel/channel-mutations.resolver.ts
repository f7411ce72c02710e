import { Inject } from '@nestjs/common';
import { type Command, CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { normaliseToE164 } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { AddPhoneNumberCommand } from '@helpdesk/commands/channel/add-phone-number.handler.js';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { DisconnectAccountCommand } from '@helpdesk/commands/channel/disconnect-account.handler.js';
import { MarkBusinessVerifiedCommand } from '@helpdesk/commands/channel/mark-business-verified.handler.js';
import { RemovePhoneNumberCommand } from '@helpdesk/commands/channel/remove-phone-number.handler.js';
import { PhoneNumberPayload, WhatsAppAccountPayload } from './channel-mutation.payloads.js';
import {
  AddPhoneNumberInput,
  ConnectWhatsAppAccountInput,
  RemovePhoneNumberInput,
  WhatsAppAccountInput,
} from './channel-mutation.inputs.js';
import { type TracedOrigin, tracedOriginOf, withRecordedPosition } from '../graphql/recorded-position.js';

/** A portal's WhatsApp Business accounts and their numbers: admins only. The domain refuses another portal's account. */
@Resolver()
@Roles('admin')
export class ChannelMutationsResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Mutation(() => WhatsAppAccountPayload, {
    description: 'Connects a business account and claims its numbers; only later messages are synced.',
  })
  async connectWhatsAppAccount(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ConnectWhatsAppAccountInput,
  ): Promise<WhatsAppAccountPayload> {
    const { accountId: given, wabaId, name, timeZone, accountType, businessVerified, phoneNumbers } = input;
    // A new account's id is ours, never the client's, so no portal can take an id before another uses it.
    const accountId = given ?? randomUUID();
    const numbers = phoneNumbers.map(({ phoneNumberId, displayNumber }) => ({ phoneNumberId, displayNumber }));
    const profile = { accountId, wabaId, name, timeZone, accountType, businessVerified: businessVerified ?? false };
    const data = { ...profile, phoneNumbers: numbers, reconnect: given !== undefined && given !== null };
    return { accountId, position: await this.run(user, (origin) => new ConnectAccountCommand(origin, data)) };
  }

  @Mutation(() => WhatsAppAccountPayload, {
    description: 'Disconnects the account and releases its numbers. Twice changes nothing.',
  })
  async disconnectWhatsAppAccount(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') { accountId }: WhatsAppAccountInput,
  ): Promise<WhatsAppAccountPayload> {
    return {
      accountId,
      position: await this.run(user, (origin) => new DisconnectAccountCommand(origin, { accountId })),
    };
  }

  @Mutation(() => WhatsAppAccountPayload, {
    description: 'Meta verified the business: lifts the cap of 50 business-initiated conversations a day.',
  })
  async markBusinessVerified(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') { accountId }: WhatsAppAccountInput,
  ): Promise<WhatsAppAccountPayload> {
    return {
      accountId,
      position: await this.run(user, (origin) => new MarkBusinessVerifiedCommand(origin, { accountId })),
    };
  }

  @Mutation(() => PhoneNumberPayload, {
    description: 'At most 25 numbers per account; a number connected elsewhere is refused.',
  })
  async addPhoneNumber(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: AddPhoneNumberInput,
  ): Promise<PhoneNumberPayload> {
    const { accountId, phoneNumberId, displayNumber } = input;
    const position = await this.run(
      user,
      (origin) => new AddPhoneNumberCommand(origin, { accountId, phoneNumberId, displayNumber }),
    );
    return { accountId, displayNumber: normaliseToE164(displayNumber), position };
  }

  @Mutation(() => PhoneNumberPayload, { description: 'Removes the number from the account and releases it.' })
  async removePhoneNumber(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: RemovePhoneNumberInput,
  ): Promise<PhoneNumberPayload> {
    const { accountId, displayNumber } = input;
    const position = await this.run(
      user,
      (origin) => new RemovePhoneNumberCommand(origin, { accountId, displayNumber }),
    );
    return { accountId, displayNumber: normaliseToE164(displayNumber), position };
  }

  private async run(
    user: AuthenticatedUser,
    command: (origin: TracedOrigin) => Command<unknown>,
  ): Promise<string | null> {
    const origin = tracedOriginOf(user);
    return (await withRecordedPosition(this.store, origin, () => this.commands.execute(command(origin)))).position;
  }
}
