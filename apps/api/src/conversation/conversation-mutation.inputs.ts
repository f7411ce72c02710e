import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MAX_CAPTION_LENGTH, MAX_MEDIA_FILE_NAME_LENGTH, MAX_TEXT_LENGTH } from '@helpdesk/domain';
import {
  BodyParametersField,
  HeaderParametersField,
  TemplateLanguageField,
  TemplateNameField,
} from '../template/template-choice.fields.js';

const ID_LENGTH = 300;
const NOT_BLANK = /\S/;

/** Fields every conversation mutation takes: which conversation, and the client's retry key. */
@InputType({ isAbstract: true })
abstract class ConversationMutationInput {
  @Field(() => ID, { description: "A ticket's conversationId." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  conversationId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Names this request: sent again with the same key and input, it records nothing twice and answers as done (position null); any other request under a key already used in this conversation is refused with IDEMPOTENCY_KEY_REUSED. Keys are per portal.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'A file uploaded with `POST /media`, sent as an image, video, audio, document or sticker.' })
export class ReplyAttachmentInput {
  @Field(() => ID, { description: 'The uploadId `POST /media` answered (uploads of this portal only).' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'uploadId must be an id answered by POST /media' })
  uploadId!: string;

  @Field(() => String, {
    nullable: true,
    description: `Shown under images, videos and documents (at most ${MAX_CAPTION_LENGTH} characters, as Meta allows).`,
  })
  @IsOptional()
  @IsString()
  @Matches(NOT_BLANK, { message: 'caption must not be blank' })
  @MaxLength(MAX_CAPTION_LENGTH)
  caption?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "A document's file name as the contact sees it; defaults to the name given at upload.",
  })
  @IsOptional()
  @IsString()
  @Matches(NOT_BLANK, { message: 'fileName must not be blank' })
  @MaxLength(MAX_MEDIA_FILE_NAME_LENGTH)
  fileName?: string | null;
}

@InputType({ description: 'Exactly one of text or attachment.' })
export class ReplyToConversationInput extends ConversationMutationInput {
  @Field(() => String, {
    nullable: true,
    description: 'Free-form text: allowed only while the 24-hour session is open (else SESSION_CLOSED).',
  })
  @IsOptional()
  @IsString()
  @Matches(NOT_BLANK, { message: 'text must not be blank' })
  @MaxLength(MAX_TEXT_LENGTH)
  text?: string | null;

  @Field(() => ReplyAttachmentInput, {
    nullable: true,
    description:
      "A media uploaded first with `POST /media`: checked against Meta's formats and sizes before anything is recorded, sent only while the session is open.",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplyAttachmentInput)
  attachment?: ReplyAttachmentInput | null;
}

@InputType()
export class SendTemplateInput extends ConversationMutationInput {
  @TemplateNameField()
  name!: string;

  @TemplateLanguageField()
  language!: string;

  @BodyParametersField()
  bodyParameters?: string[] | null;

  @HeaderParametersField()
  headerParameters?: string[] | null;
}

@InputType({ isAbstract: true })
abstract class TicketMutationInput extends ConversationMutationInput {
  @Field(() => ID, {
    description:
      "The conversation's current ticket: its `id` in `tickets` or `ticket`, or startConversation's `ticketId`.",
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  ticketId!: string;
}

@InputType()
export class AssignTicketInput extends TicketMutationInput {
  @Field(() => ID, { description: 'The user who will own the ticket.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  assigneeId!: string;
}

@InputType()
export class CloseTicketInput extends TicketMutationInput {}

@InputType()
export class ReopenTicketInput extends TicketMutationInput {}

@InputType({ isAbstract: true })
abstract class MessageMutationInput extends ConversationMutationInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  messageId!: string;

  @Field({ description: 'Why: recorded with the action, for the audit trail.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(1000)
  reason!: string;
}

@InputType()
export class QuarantineMessageInput extends MessageMutationInput {}

@InputType()
export class RevealQuarantinedMessageInput extends MessageMutationInput {}

@InputType()
export class ResendOutboundMessageInput {
  @Field(() => ID, { description: "A ticket's conversationId." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId!: string;

  @Field(() => ID, { description: 'A message whose delivery is unknown or failed.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  messageId!: string;
}
