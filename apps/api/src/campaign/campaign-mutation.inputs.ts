import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CAMPAIGN_LIMITS } from '@helpdesk/domain';
import {
  BodyParametersField,
  HeaderParametersField,
  TemplateLanguageField,
  TemplateNameField,
} from '../template/template-choice.fields.js';

@InputType()
export class CampaignRecipientInput {
  @Field(() => ID, {
    description: "A contact of the portal (another portal's is refused for that recipient: CONTACT_NOT_FOUND).",
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  contactId!: string;

  @BodyParametersField("This recipient's values of {{1}}, {{2}}, ... in the body.")
  bodyParameters?: string[] | null;

  @HeaderParametersField("This recipient's values of the header placeholders.")
  headerParameters?: string[] | null;
}

@InputType()
export class SendTemplateCampaignInput {
  @Field(() => ID, {
    description: "The From number: one of the portal's connected numbers (else CHANNEL_NOT_CONNECTED).",
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  fromPhoneNumberId!: string;

  @TemplateNameField("An approved template of the From number's account (else each recipient is refused).")
  name!: string;

  @TemplateLanguageField()
  language!: string;

  @Field(() => [CampaignRecipientInput], {
    nullable: true,
    description: `The contacts, each once, with their parameters: 1 to ${CAMPAIGN_LIMITS.maxRecipients}. Or \`viewId\`.`,
  })
  // Required without a view: BAD_USER_INPUT naming \`recipients\`.
  @ValidateIf((input: SendTemplateCampaignInput) => !input.viewId || input.recipients != null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CAMPAIGN_LIMITS.maxRecipients)
  @ValidateNested({ each: true })
  @Type(() => CampaignRecipientInput)
  recipients?: CampaignRecipientInput[] | null;

  @Field(() => ID, {
    nullable: true,
    description: `Instead of \`recipients\`: the contacts of a view's tickets (a view the caller may see, else VIEW_NOT_FOUND), resolved once, now, at most ${CAMPAIGN_LIMITS.maxRecipients} (else CAMPAIGN_TOO_LARGE), each with \`bodyParameters\` and \`headerParameters\`.`,
  })
  @ValidateIf((input: SendTemplateCampaignInput) => !input.recipients || input.viewId != null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  viewId?: string | null;

  @BodyParametersField("With `viewId`: every recipient's values of the body placeholders.")
  bodyParameters?: string[] | null;

  @HeaderParametersField("With `viewId`: every recipient's values of the header placeholders.")
  headerParameters?: string[] | null;

  @Field(() => String, {
    description:
      'Names the campaign: the same request again starts nothing and answers with the same campaignId (position null); another request under the key is IDEMPOTENCY_KEY_REUSED.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey!: string;
}

@InputType()
export class CancelCampaignInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  campaignId!: string;
}

@ObjectType('CampaignPayload')
export class CampaignPayload {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Where this request's events stand in the log: pass it as `atLeastPosition` to read your own write. Null when nothing new was recorded.",
  })
  position!: string | null;
}
