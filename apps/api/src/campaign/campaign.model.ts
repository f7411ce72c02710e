import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { CampaignRow } from '@helpdesk/projections/campaigns/index.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';

export enum CampaignState {
  RUNNING = 'RUNNING',
  STOPPED = 'STOPPED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
}
registerEnumType(CampaignState, {
  name: 'CampaignState',
  description:
    'RUNNING: recipients are being written to; STOPPED: the quota ran out (stopReason), the rest left unsent; CANCELLED; COMPLETED: every recipient has an outcome.',
});

/** A template campaign's progress, from the campaigns read model. */
@ObjectType('Campaign')
export class CampaignModel {
  @Field(() => ID)
  id!: string;

  @Field(() => CampaignState)
  state!: CampaignState;

  @Field(() => String, { nullable: true, description: 'Why a STOPPED campaign stopped: QUOTA_EXHAUSTED.' })
  stopReason!: string | null;

  @Field(() => Int, { description: 'Recipients.' })
  total!: number;

  @Field(() => Int, {
    description: 'Recipients whose template message the help desk recorded (then sent by the dispatcher).',
  })
  accepted!: number;

  @Field(() => Int, {
    description:
      'Recipients refused, with the domain codes (MONTHLY_LIMIT_REACHED, DAILY_LIMIT_REACHED, CONTACT_HAS_NO_PHONE_NUMBER, TEMPLATE_NOT_APPROVED, ...).',
  })
  refused!: number;

  @Field(() => Int, { description: 'Accepted messages Meta took (a wamid, or a status webhook).' })
  sent!: number;

  @Field(() => Int, { description: 'Accepted messages Meta refused, or reported failed.' })
  failed!: number;

  @Field(() => ID)
  fromPhoneNumberId!: string;

  @Field()
  templateName!: string;

  @Field()
  language!: string;

  @Field(() => DateTimeScalar)
  startedAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}

@ArgsType()
export class CampaignArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  id!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the progress includes it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}

export function campaignModelOf({ campaignId, state, ...progress }: CampaignRow): CampaignModel {
  return { id: campaignId, state: CampaignState[state], ...progress };
}

/** What the progress feed publishes: the portal travels beside the fields and is checked again on delivery. */
export interface CampaignProgressPublished {
  readonly portalId: string;
  readonly campaignProgress: CampaignModel;
}

/** One topic per portal, its id encoded so that no id can widen a subscription (as notification topics). */
export function campaignTopicOf(portalId: string): string {
  return `campaignProgress.${Buffer.from(portalId, 'utf8').toString('base64url')}`;
}
