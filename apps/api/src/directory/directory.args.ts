import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_CONTACTS_PAGE = 100;
export const DEFAULT_CONTACTS_PAGE = 25;

/** Every directory query can wait for a mutation's position, like the ticket list. */
@ArgsType()
export class DirectoryArgs {
  @Field(() => String, {
    nullable: true,
    description: "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the answer includes it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}

@ArgsType()
export class TemplatesArgs extends DirectoryArgs {
  @Field(() => ID, { nullable: true, description: "One channel's templates; every channel's when absent." })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId?: string | null;
}

@ArgsType()
export class ContactsArgs extends DirectoryArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_CONTACTS_PAGE, description: `Page size, 1 to ${MAX_CONTACTS_PAGE}.` })
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
export class ContactsByPhoneArgs extends DirectoryArgs {
  @Field({ description: 'Any dialable spelling with its country code (+33 6 12 34 56 78); compared in E.164.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  phone!: string;
}
