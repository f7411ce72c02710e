import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ChannelRow } from '@helpdesk/projections/directory/index.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';

export enum ChannelStatus {
  CONNECTED = 'connected',
  DISCONNECTED = 'disconnected',
}

registerEnumType(ChannelStatus, { name: 'ChannelStatus' });

@ObjectType('ChannelPhoneNumber')
export class ChannelPhoneNumberModel {
  @Field({ description: "Meta's phone_number_id: tickets name their number by it." })
  phoneNumberId!: string;

  @Field({ description: 'E.164.' })
  displayNumber!: string;

  @Field(() => DateTimeScalar)
  addedAt!: string;
}

/** A WhatsApp Business account connected to the portal as a channel. */
@ObjectType('Channel')
export class ChannelModel {
  @Field(() => ID, { description: 'The account id: pass it to templates and dailyUsage.' })
  id!: string;

  @Field()
  wabaId!: string;

  @Field()
  name!: string;

  @Field({ description: 'IANA time zone: the account counts its daily conversations in it.' })
  timeZone!: string;

  @Field(() => ChannelStatus)
  status!: ChannelStatus;

  @Field({ description: 'Meta verified the business: no cap of 50 business-initiated conversations a day.' })
  verified!: boolean;

  @Field(() => DateTimeScalar, { description: 'Only messages after this instant are synced.' })
  connectedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  disconnectedAt!: string | null;

  @Field(() => [ChannelPhoneNumberModel], {
    description: 'The numbers connected now (at most 25); none once disconnected.',
  })
  phoneNumbers!: ChannelPhoneNumberModel[];
}

export function channelModel(row: ChannelRow): ChannelModel {
  const { accountId, wabaId, name, timeZone, status, verified, connectedAt, disconnectedAt, phoneNumbers } = row;
  return {
    id: accountId,
    ...{ wabaId, name, timeZone, verified, connectedAt, disconnectedAt },
    status: status === 'connected' ? ChannelStatus.CONNECTED : ChannelStatus.DISCONNECTED,
    phoneNumbers: [...phoneNumbers],
  };
}
