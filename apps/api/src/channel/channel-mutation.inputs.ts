import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export enum WhatsAppAccountType {
  BUSINESS = 'business',
  PERSONAL = 'personal',
}

registerEnumType(WhatsAppAccountType, {
  name: 'WhatsAppAccountType',
  description: 'Only business accounts can be connected (PERSONAL is refused with PERSONAL_ACCOUNT_NOT_ALLOWED).',
});

const ID_LENGTH = 200;
const NOT_BLANK = /\S/;
/** Meta's ids are digits, and conversation ids rely on it (they split back on the dashes). */
const META_ID = /^\d{1,30}$/;

@InputType()
export class PhoneNumberInput {
  @Field({ description: "Meta's phone_number_id." })
  @IsString()
  @Matches(META_ID, { message: "phoneNumberId must be Meta's phone_number_id: digits only" })
  phoneNumberId!: string;

  @Field({ description: 'The number in any dialable spelling with its country code; kept as E.164.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  displayNumber!: string;
}

@InputType()
export class WhatsAppAccountInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  accountId!: string;
}

@InputType()
export class ConnectWhatsAppAccountInput {
  @Field(() => ID, {
    nullable: true,
    description: 'To reconnect an account disconnected before; absent: a new account.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  accountId?: string | null;

  @Field({ description: "Meta's WhatsApp Business Account id." })
  @IsString()
  @Matches(META_ID, { message: 'wabaId must be the WhatsApp Business Account id: digits only' })
  wabaId!: string;

  @Field()
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  @Field({ description: 'An IANA time zone, e.g. Europe/Paris: the local day of the daily cap.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  timeZone!: string;

  @Field(() => WhatsAppAccountType)
  @IsEnum(WhatsAppAccountType)
  accountType!: WhatsAppAccountType;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Meta Business Manager verified the business.',
  })
  @IsOptional()
  @IsBoolean()
  businessVerified?: boolean | null;

  @Field(() => [PhoneNumberInput], { description: 'At most 25 (else TOO_MANY_PHONE_NUMBERS).' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PhoneNumberInput)
  phoneNumbers!: PhoneNumberInput[];
}

@InputType()
export class AddPhoneNumberInput extends PhoneNumberInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  accountId!: string;
}

@InputType()
export class RemovePhoneNumberInput extends WhatsAppAccountInput {
  @Field({ description: 'The number in any dialable spelling with its country code.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  displayNumber!: string;
}
