import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { TicketStatus } from './ticket.model.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** Every criterion given must hold; within one criterion, any of the values. */
@InputType()
export class TicketFilterInput {
  @Field(() => [TicketStatus], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(TicketStatus, { each: true })
  status?: TicketStatus[] | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'Tickets owned by any of these users (or unassigned, with `unassigned: true`).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  ownerIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: also (or, without ownerIds, only) tickets nobody owns.' })
  @IsOptional()
  @IsBoolean()
  unassigned?: boolean | null;

  @Field(() => [String], { nullable: true, description: "Meta's phone_number_ids of the business numbers." })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  phoneNumberIds?: string[] | null;

  @Field(() => String, { nullable: true, description: "The contact's number, E.164 (+33612345678)." })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'contactPhone must be an E.164 number such as +33612345678' })
  contactPhone?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last activity at or after this instant.' })
  @IsOptional()
  @IsString()
  updatedAfter?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last activity before this instant.' })
  @IsOptional()
  @IsString()
  updatedBefore?: string | null;
}

@ArgsType()
export class TicketsArgs {
  @Field(() => TicketFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TicketFilterInput)
  filter?: TicketFilterInput | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The previous page's pageInfo.endCursor." })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the list includes it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "Only this view's tickets, ANDed with `filter`: a default view (all-open, ...) or a custom view you can see (else NOT_FOUND).",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  viewId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Tickets whose contact's name or number, or a message's text, contains this (any case, taken literally: no wildcards or operators), 3 to 200 characters. Never quarantined content. A term whose every trigram is common is read in slices: SEARCH_BUSY when too many such searches run at once (retry), SEARCH_TOO_BROAD past its budget (search for something more specific).",
  })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'search must not be blank' })
  // A trigram index serves the search: it cannot narrow one or two characters.
  @Matches(/\S[\s\S]+\S/u, { message: 'search needs at least 3 characters' })
  @MaxLength(200)
  search?: string | null;
}

@ArgsType()
export class TicketArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  id!: string;

  @Field(() => String, { nullable: true, description: "Read-your-writes: a mutation's `position` (see `tickets`)." })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}
