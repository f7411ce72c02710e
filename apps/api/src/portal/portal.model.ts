import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { type RegisteredPortal, monthlyLimitAt } from '@helpdesk/domain';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Portal ids name event streams and appear in tokens: lower case letters, digits and '-', as `seed-demo` takes them. */
export const PORTAL_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Far above any real subscription, low enough that no count overflows. */
const MAX_MONTHLY_LIMIT = 100_000_000;

@ObjectType('MonthlyLimitPeriod')
export class MonthlyLimitPeriodModel {
  @Field(() => Int)
  limit!: number;

  @Field(() => DateTimeScalar)
  effectiveFrom!: string;
}

@ObjectType('PortalSuspension')
export class PortalSuspensionModel {
  @Field()
  reason!: string;

  @Field(() => DateTimeScalar)
  since!: string;
}

@ObjectType('Portal')
export class PortalModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'IANA time zone: local days and the monthly reset are counted in it.' })
  timeZone!: string;

  @Field({
    description:
      "YYYY-MM-DD: the quota's period resets on this day of each month at local midnight (the 29th-31st on the last day of shorter months).",
  })
  subscriptionStartedOn!: string;

  @Field(() => Int, { description: 'The monthly conversation limit in force now.' })
  monthlyConversationLimit!: number;

  @Field(() => [MonthlyLimitPeriodModel], {
    description: 'Every limit decided, in the order decided; the first is the one given at registration.',
  })
  monthlyLimits!: MonthlyLimitPeriodModel[];

  @Field({ description: "Whether reading a conversation sends WhatsApp's read receipt to the contact." })
  readReceiptsToContacts!: boolean;

  @Field(() => PortalSuspensionModel, {
    nullable: true,
    description:
      'Set while the platform operator suspended the portal: replies, templates, new conversations and read receipts are refused (PORTAL_SUSPENDED); inbound messages are still received.',
  })
  suspended!: PortalSuspensionModel | null;
}

export function portalModel(portal: RegisteredPortal, now: Date): PortalModel {
  return {
    id: portal.portalId,
    name: portal.name,
    timeZone: portal.timeZone,
    subscriptionStartedOn: portal.subscriptionStartedOn,
    monthlyConversationLimit: monthlyLimitAt(portal, now),
    monthlyLimits: portal.monthlyLimits.map(({ limit, effectiveFrom }) => ({ limit, effectiveFrom })),
    readReceiptsToContacts: portal.readReceiptsToContacts,
    suspended: portal.suspended && { reason: portal.suspended.reason, since: portal.suspended.since },
  };
}

@InputType()
export class RegisterPortalInput {
  @Field(() => ID, { description: "The new tenant's id: lower case letters, digits and '-', up to 63." })
  @IsString()
  @Matches(PORTAL_ID, { message: "portalId must be lower case letters, digits and '-' (up to 63)" })
  portalId!: string;

  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Paris.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  timeZone!: string;

  @Field({ description: 'YYYY-MM-DD: the day of the month the quota resets on.' })
  @IsString()
  @Matches(LOCAL_DATE, { message: 'subscriptionStartedOn must be a date such as 2024-01-31' })
  subscriptionStartedOn!: string;

  @Field(() => Int, { nullable: true, description: 'Conversations a month; the rulebook default (1,000) when absent.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONTHLY_LIMIT)
  monthlyConversationLimit?: number | null;
}

@InputType()
export class ChangeMonthlyLimitInput {
  @Field(() => Int, { description: 'Conversations a month.' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONTHLY_LIMIT)
  limit!: number;

  @Field(() => DateTimeScalar, {
    description: 'From when it applies; the period it falls in is counted against it from then on.',
  })
  @IsString()
  effectiveFrom!: string;
}

@InputType()
export class SuspendPortalInput {
  @Field(() => ID)
  @IsString()
  @Matches(PORTAL_ID, { message: "portalId must be lower case letters, digits and '-' (up to 63)" })
  portalId!: string;

  @Field({ description: "Why, for the record (unpaid, abuse, at the customer's request...)." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

@InputType()
export class ResumePortalInput {
  @Field(() => ID)
  @IsString()
  @Matches(PORTAL_ID, { message: "portalId must be lower case letters, digits and '-' (up to 63)" })
  portalId!: string;
}
