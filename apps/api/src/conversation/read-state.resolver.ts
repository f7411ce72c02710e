import { CommandBus } from '@nestjs/cqrs';
import { Args, Field, ID, InputType, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { MarkConversationReadCommand } from '@helpdesk/commands/conversation/mark-conversation-read.handler.js';
import { ChangeReadReceiptsToContactsCommand } from '@helpdesk/commands/portal/change-read-receipts.handler.js';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { formatPosition } from '../graphql/positions.js';

@InputType()
export class MarkConversationReadInput {
  @Field(() => ID, { description: "A ticket's conversationId." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId!: string;
}

@ObjectType('ConversationReadPayload')
export class ConversationReadPayload {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Where the read stands in the log: pass it as `atLeastPosition` to see the unread count at 0. Null when the conversation was already read up to the contact's last message (nothing recorded, no receipt sent).",
  })
  position!: string | null;
}

@InputType()
export class ReadReceiptsToContactsInput {
  @Field({ description: "Whether reading a conversation sends WhatsApp's read receipt (blue ticks) to the contact." })
  @IsBoolean()
  enabled!: boolean;
}

@ObjectType('PortalReadReceiptsPayload')
export class PortalReadReceiptsPayload {
  @Field({ description: 'The setting now in force for the caller’s portal.' })
  readReceiptsToContacts!: boolean;
}

/** Read state: agents mark a conversation read; admins decide whether contacts see it (blue ticks). */
@Resolver()
export class ReadStateResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => ConversationReadPayload, {
    description:
      "Marks the conversation read up to the contact's last message: the ticket's unread count goes to 0 and, unless the portal turned read receipts to contacts off, WhatsApp's read receipt for that message is sent once. Again with no new message: nothing is recorded or sent.",
  })
  @Roles('agent', 'admin')
  async markConversationRead(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: MarkConversationReadInput,
  ): Promise<ConversationReadPayload> {
    const origin = originOf(user);
    const change = await this.commands.execute(new MarkConversationReadCommand(origin, input.conversationId));
    return {
      conversationId: change.conversationId,
      position: change.position ? formatPosition(change.position) : null,
    };
  }

  @Mutation(() => PortalReadReceiptsPayload, {
    description: "Turns read receipts to contacts on or off for the caller's portal (on by default). Admins only.",
  })
  @Roles('admin')
  async changeReadReceiptsToContacts(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ReadReceiptsToContactsInput,
  ): Promise<PortalReadReceiptsPayload> {
    const origin = originOf(user);
    const portal = await this.commands.execute(new ChangeReadReceiptsToContactsCommand(origin, input));
    return { readReceiptsToContacts: portal.readReceiptsToContacts };
  }
}
