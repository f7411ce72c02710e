import { CommandBus } from '@nestjs/cqrs';
import { Args, Field, ID, InputType, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { ChooseContactCommand } from '@helpdesk/commands/conversation/choose-contact.handler.js';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { formatPosition } from '../graphql/positions.js';

@InputType()
export class ChooseConversationContactInput {
  @Field(() => ID, { description: "A ticket's conversationId." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId!: string;

  @Field(() => ID, {
    description: "One of the ticket's `contactCandidates` (any contact of the portal with the number).",
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  contactId!: string;
}

@ObjectType('ConversationContactPayload')
export class ConversationContactPayload {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID)
  contactId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the choice stands in the log: pass it as `atLeastPosition` to see the ticket with its contact. Null when this contact was already the one (nothing recorded).',
  })
  position!: string | null;
}

/** Several contacts of the portal share the number that wrote: an agent says which one it is. */
@Resolver()
export class ChooseContactResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => ConversationContactPayload, {
    description:
      "Associates the conversation (and its tickets) with the contact an agent chose among those sharing the contact's number (`Ticket.contactCandidates`). Final: another contact afterwards is refused with CONTACT_ALREADY_ASSOCIATED; a contact without the number, unknown or of another portal, with CONTACT_NOT_FOUND.",
  })
  @Roles('agent', 'admin')
  async chooseConversationContact(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ChooseConversationContactInput,
  ): Promise<ConversationContactPayload> {
    const change = await this.commands.execute(
      new ChooseContactCommand(originOf(user), input.conversationId, input.contactId),
    );
    return {
      conversationId: change.conversationId,
      contactId: input.contactId,
      position: change.position ? formatPosition(change.position) : null,
    };
  }
}
