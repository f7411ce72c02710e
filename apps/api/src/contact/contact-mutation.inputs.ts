import { Field, ID, InputType } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const NOT_BLANK = /\S/;
const COUNTRY = /^[A-Z]{2}$/;
const PHONE_LENGTH = 40;

/** Numbers in any dialable spelling; kept as E.164 (INVALID_PHONE_NUMBER when they are not numbers). */
@InputType()
export class CreateContactInput {
  @Field()
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PHONE_LENGTH)
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PHONE_LENGTH)
  mobilePhoneNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 3166 alpha-2 (NL, FR, ...): reads national spellings such as '06 12345678'.",
  })
  @IsOptional()
  @Matches(COUNTRY, { message: 'defaultCountry must be an ISO 3166 alpha-2 code such as NL' })
  defaultCountry?: string | null;
}

/** Absent: unchanged; a number given as null is removed. */
@InputType()
export class ChangeContactInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  contactId!: string;

  @Field(() => String, { nullable: true, description: 'Absent or null: unchanged.' })
  @IsOptional()
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Absent: unchanged; null: removed.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PHONE_LENGTH)
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Absent: unchanged; null: removed.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PHONE_LENGTH)
  mobilePhoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166 alpha-2, for national spellings.' })
  @IsOptional()
  @Matches(COUNTRY, { message: 'defaultCountry must be an ISO 3166 alpha-2 code such as NL' })
  defaultCountry?: string | null;
}
