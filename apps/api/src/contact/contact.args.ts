import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AtLeastPositionArgs } from '../graphql/at-least-position.args.js';

export const MAX_CONTACTS_PAGE = 100;
export const DEFAULT_CONTACTS_PAGE = 25;

@ArgsType()
export class ContactsArgs extends AtLeastPositionArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_CONTACTS_PAGE,
    description: `Page size, 1 to ${MAX_CONTACTS_PAGE}.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CONTACTS_PAGE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The previous page's pageInfo.endCursor." })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string | null;
}

@ArgsType()
export class ContactsByPhoneArgs extends AtLeastPositionArgs {
  @Field({ description: 'Any dialable spelling with its country code (+33 6 12 34 56 78); compared in E.164.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  phone!: string;
}
