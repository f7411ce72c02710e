import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ResendOutboundMessageInput } from './conversation-mutation.inputs.js';
import { ConversationMessagePayload, messagePayload } from './conversation-mutation.payloads.js';

/** An agent's resend of a message whose delivery is unknown or failed: without a client key, unlike the other conversation mutations. */
@Resolver()
@Roles('agent', 'admin')
export class ResendOutboundMessageResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => ConversationMessagePayload, {
    description: 'Sends again a message whose delivery is unknown or failed. The contact may then receive it twice.',
  })
  async resendOutboundMessage(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') { conversationId, messageId }: ResendOutboundMessageInput,
  ): Promise<ConversationMessagePayload> {
    const change = await this.commands.execute(
      new RunConversationCommand(originOf(user), conversationId, 'ResendOutboundMessage', { messageId }),
    );
    return messagePayload(change, messageId);
  }
}
