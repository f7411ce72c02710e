import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { DeliveryStatusValue, DispatchFailureReason, DispatchStateValue } from './thread-enums.js';

@ObjectType('DeliveryError', { description: 'Why Meta says a message failed, as Meta worded it.' })
export class DeliveryErrorModel {
  @Field(() => Int)
  code!: number;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  message?: string;

  @Field(() => String, { nullable: true })
  details?: string;
}

/** Meta's status webhooks; a status may be skipped (delivered can arrive without sent), so a time may be null. */
@ObjectType('MessageDelivery')
export class MessageDeliveryModel {
  @Field(() => DeliveryStatusValue, { nullable: true, description: 'Null until Meta reports a status.' })
  status!: DeliveryStatusValue | null;

  @Field(() => DateTimeScalar, { nullable: true })
  sentAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only after a read status.' })
  readAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  playedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  failedAt!: string | null;

  @Field(() => DeliveryErrorModel, { nullable: true })
  error!: DeliveryErrorModel | null;
}

@ObjectType('DispatchFailure', {
  description: "Meta's refusal of an attempt, or no answer at all (code and httpStatus null).",
})
export class DispatchFailureModel {
  @Field(() => Int, { nullable: true, description: "Meta's error code (131047, 130429, 100, ...)." })
  code!: number | null;

  @Field()
  title!: string;

  @Field()
  message!: string;

  @Field(() => Int, { nullable: true })
  httpStatus!: number | null;

  @Field(() => Int)
  attempt!: number;

  @Field(() => DispatchFailureReason, {
    nullable: true,
    description: 'Set when the failure is final; null while retried.',
  })
  reason!: DispatchFailureReason | null;

  @Field(() => DateTimeScalar)
  at!: string;
}

/** Where handing the message to Meta stands (at most once: an UNKNOWN outcome waits for a status or an agent). */
@ObjectType('MessageDispatch')
export class MessageDispatchModel {
  @Field(() => DispatchStateValue)
  state!: DispatchStateValue;

  @Field(() => Int, { description: 'Calls to Meta so far.' })
  attempts!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAttemptAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  retryAt!: string | null;

  @Field(() => String, { nullable: true })
  unknownReason!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  resendRequestedAt!: string | null;

  @Field(() => DispatchFailureModel, { nullable: true })
  lastFailure!: DispatchFailureModel | null;
}
