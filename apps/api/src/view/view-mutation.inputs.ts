import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
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
import type { ViewFilter } from '@helpdesk/domain';
import { ViewFilterField, ViewOwnerKind, ViewSharing } from './view.model.js';

const ID_LENGTH = 200;
const MAX_VALUES = 100;
const NOT_BLANK = /\S/;
const ONE_FILTER_PER_FIELD = Object.keys(ViewFilterField).length;

@InputType()
export class ViewOwnerInput {
  @Field(() => ViewOwnerKind)
  @IsEnum(ViewOwnerKind)
  kind!: ViewOwnerKind;

  @Field(() => ID, { nullable: true, description: 'Required when kind is USER.' })
  @ValidateIf((owner: ViewOwnerInput) => owner.kind === ViewOwnerKind.USER)
  @IsString({ message: 'userId is required for an owner of kind USER' })
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  userId?: string | null;
}

/** One criterion: `values` for every field but OWNER, which takes `owners`. The domain checks the values themselves. */
@InputType()
export class ViewFilterInput {
  @Field(() => ViewFilterField)
  @IsEnum(ViewFilterField)
  field!: ViewFilterField;

  @Field(() => [String], { nullable: true, description: `Any of these, 1 to ${MAX_VALUES}; not for OWNER.` })
  @ValidateIf((filter: ViewFilterInput) => filter.field !== ViewFilterField.OWNER)
  @IsArray({ message: 'values is required for this field (a list of 1 to 100 values)' })
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_VALUES)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(ID_LENGTH, { each: true })
  values?: string[] | null;

  @Field(() => [ViewOwnerInput], { nullable: true, description: `For OWNER only: any of these, 1 to ${MAX_VALUES}.` })
  @ValidateIf((filter: ViewFilterInput) => filter.field === ViewFilterField.OWNER)
  @IsArray({ message: 'owners is required for the OWNER field (a list of 1 to 100 owners)' })
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_VALUES)
  @ValidateNested({ each: true })
  @Type(() => ViewOwnerInput)
  owners?: ViewOwnerInput[] | null;
}

@InputType()
export class CreateViewInput {
  @Field({ description: '1 to 100 characters.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(100)
  name!: string;

  @Field(() => ViewSharing, { description: "MY_TEAM shares it with the team of your token's `team` claim." })
  @IsEnum(ViewSharing)
  sharing!: ViewSharing;

  @Field(() => [ViewFilterInput], { description: 'ANDed; an empty list shows every ticket.' })
  @IsArray()
  @ArrayMaxSize(ONE_FILTER_PER_FIELD)
  @ValidateNested({ each: true })
  @Type(() => ViewFilterInput)
  filters!: ViewFilterInput[];
}

@InputType()
export class DeleteViewInput {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ID_LENGTH)
  viewId!: string;
}

/** Absent (or null) fields stay as they are. */
@InputType()
export class ChangeViewInput extends DeleteViewInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(100)
  name?: string | null;

  @Field(() => ViewSharing, {
    nullable: true,
    description: "MY_TEAM shares it with the team of your token's `team` claim.",
  })
  @IsOptional()
  @IsEnum(ViewSharing)
  sharing?: ViewSharing | null;

  @Field(() => [ViewFilterInput], { nullable: true, description: 'Replaces every filter.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ONE_FILTER_PER_FIELD)
  @ValidateNested({ each: true })
  @Type(() => ViewFilterInput)
  filters?: ViewFilterInput[] | null;
}

/** The domain's filter language; it refuses unknown values (INVALID_VIEW), so they are passed on as given. */
export function viewFilterOf(input: ViewFilterInput): ViewFilter {
  if (input.field !== ViewFilterField.OWNER) return { field: input.field, anyOf: input.values ?? [] } as ViewFilter;
  const owners = (input.owners ?? []).map((owner) =>
    owner.kind === ViewOwnerKind.USER ? { kind: 'user' as const, userId: owner.userId ?? '' } : { kind: owner.kind },
  );
  return { field: 'owner', anyOf: owners };
}
