import { CommandBus } from '@nestjs/cqrs';
import { Args, Field, ID, InputType, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { StartConversationCommand } from '@helpdesk/commands/conversation/start-conversation.handler.js';
import { forRequest } from '@helpdesk/commands/shared/command-origin.js';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { formatPosition } from '../graphql/positions.js';
import {
  BodyParametersField,
  HeaderParametersField,
  TemplateLanguageField,
  TemplateNameField,
} from '../template/template-choice.fields.js';

@InputType()
export class StartConversationInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "A contact of the portal: the conversation is associated with it, and goes to its mobile number (else its phone number; `phone` chooses one of them). Another portal's contact is CONTACT_NOT_FOUND.",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  contactId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The WhatsApp number to write to, E.164 with its country code ("+33 6 12 34 56 78"); else INVALID_PHONE_NUMBER. Required without `contactId`.',
  })
  // Required without a contact: BAD_USER_INPUT naming `phone` rather than a guess.
  @ValidateIf((input: StartConversationInput) => !input.contactId || input.phone != null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  phone?: string | null;

  @Field(() => ID, {
    description:
      "The From number: Meta's phone_number_id of one of the portal's connected numbers (else CHANNEL_NOT_CONNECTED).",
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  fromPhoneNumberId!: string;

  @TemplateNameField("An approved template of the From number's WhatsApp account.")
  name!: string;

  @TemplateLanguageField()
  language!: string;

  @BodyParametersField()
  bodyParameters?: string[] | null;

  @HeaderParametersField()
  headerParameters?: string[] | null;

  @Field(() => String, {
    description:
      'Names this request: sent again with the same key and input, it starts nothing twice and answers with the same ids (position null); another request under the key in this conversation is refused with IDEMPOTENCY_KEY_REUSED. Keys are per portal.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey!: string;
}

@ObjectType('StartConversationPayload')
export class StartConversationPayload {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID, { description: 'The ticket the conversation opened.' })
  ticketId!: string;

  @Field(() => ID, { description: 'The template message, which the outbound dispatcher then sends to Meta.' })
  messageId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Where this request's events stand in the log: pass it as `atLeastPosition` to read your own write. Null for a retried idempotency key.",
  })
  position!: string | null;
}

/** Starting a WhatsApp conversation from a contact record, or with a number. */
@Resolver()
export class StartConversationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => StartConversationPayload, {
    description:
      "Opens a conversation and its ticket with a contact by sending an approved template from one of the portal's numbers: business-initiated unless the contact's session is open (1 conversation of the month, and of an unverified account's day). When an open thread with the contact exists on that number, refused with CONVERSATION_EXISTS and its `conversationId` (and `sessionOpen`: whether a free-form reply is allowed there).",
  })
  @Roles('agent', 'admin')
  async startConversation(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: StartConversationInput,
  ): Promise<StartConversationPayload> {
    const { contactId, phone, fromPhoneNumberId, name, language, bodyParameters, headerParameters } = input;
    const origin = forRequest(originOf(user, input.idempotencyKey), 'startConversation', input);
    // Validated: without a contact, a phone is there.
    const target = contactId ? { contactId, ...(phone && { phone }) } : { phone: phone! };
    const parameters = { body: bodyParameters ?? [], ...(headerParameters && { header: headerParameters }) };
    const receipt = await this.commands.execute(
      new StartConversationCommand(origin, target, fromPhoneNumberId, { name, language, parameters }),
    );
    return {
      conversationId: receipt.conversationId,
      ticketId: receipt.ticketId,
      messageId: receipt.messageId,
      position: receipt.position ? formatPosition(receipt.position) : null,
    };
  }
}
