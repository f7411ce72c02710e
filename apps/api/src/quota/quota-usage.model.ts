import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';

const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const READ_YOUR_WRITES =
  "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the counters include it.";

/** The portal's conversations in one monthly period, shared by all its WhatsApp accounts. */
@ObjectType('QuotaUsage')
export class QuotaUsageModel {
  @Field({ description: "The period's local start date (YYYY-MM-DD, the portal's time zone): pass it as periodKey." })
  periodKey!: string;

  @Field(() => DateTimeScalar)
  startsAt!: string;

  @Field(() => DateTimeScalar, {
    description: 'When the next period starts: local midnight on the subscription day of month.',
  })
  resetsAt!: string;

  @Field(() => Int, { description: 'Conversations counted in the period, minus those given back.' })
  used!: number;

  @Field(() => Int, { description: 'The monthly limit in force: now, or at the edge of a past or future period.' })
  limit!: number;

  @Field(() => Int)
  remaining!: number;
}

/** An account's business-initiated conversations on one local day, against the cap of unverified businesses. */
@ObjectType('DailyUsage')
export class DailyUsageModel {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: "YYYY-MM-DD in the account's time zone." })
  day!: string;

  @Field(() => Int)
  businessInitiated!: number;

  @Field(() => Int, { nullable: true, description: 'Null when the business was verified by that day: no daily cap.' })
  cap!: number | null;

  @Field(() => Int, { nullable: true })
  remaining!: number | null;
}

@ArgsType()
export class QuotaUsageArgs {
  @Field(() => String, {
    nullable: true,
    description: "A period's local start date (YYYY-MM-DD); the current period when absent.",
  })
  @IsOptional()
  @Matches(LOCAL_DATE, { message: 'periodKey must be a date such as 2024-11-15' })
  periodKey?: string | null;

  @Field(() => String, { nullable: true, description: READ_YOUR_WRITES })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}

@ArgsType()
export class DailyUsageArgs {
  @Field(() => ID, { description: "A channel's id (its WhatsApp account)." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId!: string;

  @Field(() => String, {
    nullable: true,
    description: "A local day (YYYY-MM-DD, the account's time zone); today when absent.",
  })
  @IsOptional()
  @Matches(LOCAL_DATE, { message: 'day must be a date such as 2024-11-05' })
  day?: string | null;

  @Field(() => String, { nullable: true, description: READ_YOUR_WRITES })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}
