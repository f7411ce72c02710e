import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
// The template model's enums: one GraphQL type each, whether a template is read or registered.
import { TemplateButtonKind, TemplateCategory, TemplateHeaderKind } from './template.model.js';

const NOT_BLANK = /\S/;

/** A template is Meta's, per WhatsApp account: a name in one language. Meta's naming rules are the domain's (INVALID_TEMPLATE). */
@InputType()
export class TemplateKeyInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId!: string;

  @Field({ description: 'Lower case letters, digits and _.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  name!: string;

  @Field({ description: 'A language code such as en or pt_BR.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  language!: string;
}

@InputType()
export class TemplateHeaderInput {
  @Field(() => TemplateHeaderKind)
  @IsEnum(TemplateHeaderKind)
  kind!: TemplateHeaderKind;

  @Field(() => String, { nullable: true, description: 'TEXT only: up to 60 characters, at most one {{1}}.' })
  @ValidateIf((header: TemplateHeaderInput) => header.kind === TemplateHeaderKind.TEXT)
  @IsString({ message: 'text is required for a TEXT header' })
  @MaxLength(60)
  text?: string | null;
}

@InputType()
export class TemplateButtonInput {
  @Field(() => TemplateButtonKind)
  @IsEnum(TemplateButtonKind)
  kind!: TemplateButtonKind;

  @Field({ description: 'Up to 25 characters.' })
  @IsString()
  @MaxLength(25)
  text!: string;

  @Field(() => String, { nullable: true, description: 'URL buttons only.' })
  @ValidateIf((button: TemplateButtonInput) => button.kind === TemplateButtonKind.URL)
  @IsString({ message: 'url is required for a URL button' })
  @MaxLength(2000)
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'PHONE_NUMBER buttons only, with its country code.' })
  @ValidateIf((button: TemplateButtonInput) => button.kind === TemplateButtonKind.PHONE_NUMBER)
  @IsString({ message: 'phoneNumber is required for a PHONE_NUMBER button' })
  @MaxLength(40)
  phoneNumber?: string | null;
}

@InputType()
export class RegisterTemplateInput extends TemplateKeyInput {
  @Field(() => TemplateCategory)
  @IsEnum(TemplateCategory)
  category!: TemplateCategory;

  @Field({ description: 'Up to 1,024 characters; parameters numbered {{1}}, {{2}}, ... without gaps.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(1024)
  body!: string;

  @Field(() => TemplateHeaderInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TemplateHeaderInput)
  header?: TemplateHeaderInput | null;

  @Field(() => [TemplateButtonInput], { nullable: true, description: 'At most 10.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TemplateButtonInput)
  buttons?: TemplateButtonInput[] | null;
}

@InputType()
export class ApproveTemplateInput extends TemplateKeyInput {}

@InputType()
export class RejectTemplateInput extends TemplateKeyInput {
  @Field({ description: "Meta's reason." })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(1000)
  reason!: string;
}
