import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { TicketStatus } from '../conversation/ticket.model.js';
import { MessageDeliveryModel, MessageDispatchModel } from '../conversation/message-delivery.model.js';

const POSITION =
  'Where the event stands in the log: pass it as `atLeastPosition` to read the change (already in the read models when it arrives).';

/** A contact's new WhatsApp message, once the ticket list and thread show it. */
@ObjectType('MessageReceived')
export class MessageReceivedModel {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID)
  ticketId!: string;

  @Field(() => ID)
  messageId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A one-line preview or placeholder; never quarantined content (null when it could not be checked: read the thread).',
  })
  preview!: string | null;

  @Field(() => DateTimeScalar, { description: "When the contact sent it (Meta's time)." })
  sentAt!: string;

  @Field({ description: POSITION })
  position!: string;
}

export enum TicketChangeKind {
  OPENED = 'opened',
  ASSIGNED = 'assigned',
  CLOSED = 'closed',
  REOPENED = 'reopened',
  MESSAGE_RECEIVED = 'message_received',
  MESSAGE_SENT = 'message_sent',
  READ = 'read',
}

registerEnumType(TicketChangeKind, {
  name: 'TicketChangeKind',
  description: 'What changed the ticket.',
  valuesMap: { READ: { description: "An agent marked the conversation read: the ticket's unread count is 0." } },
});

/** A ticket of the list changed: its state right after the change, as the ticket list read model has it. */
@ObjectType('TicketChanged')
export class TicketChangedModel {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => ID)
  conversationId!: string;

  @Field(() => TicketChangeKind)
  change!: TicketChangeKind;

  @Field(() => TicketStatus)
  status!: TicketStatus;

  @Field(() => String, { nullable: true, description: 'The user the ticket is assigned to; null when unassigned.' })
  ownerId!: string | null;

  @Field(() => Int)
  unreadCount!: number;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  @Field({ description: POSITION })
  position!: string;
}

/**
 * An outbound message's delivery or dispatch changed: Meta's status webhook (sent, delivered, read,
 * played, failed with Meta's error, or a late status's time), Meta's id, or a sending attempt, retry,
 * failure, unknown outcome or resend. Both as the thread read model has them right after the change.
 */
@ObjectType('MessageDeliveryChanged')
export class MessageDeliveryChangedModel {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID)
  messageId!: string;

  @Field(() => MessageDeliveryModel, {
    nullable: true,
    description:
      "Meta's statuses after the change: the current status, each status's time, Meta's error when FAILED. " +
      'Null when the read models could not confirm the change in time: read the thread.',
  })
  delivery!: MessageDeliveryModel | null;

  @Field(() => MessageDispatchModel, {
    nullable: true,
    description: 'Handing the message to Meta, after the change. Null like `delivery`.',
  })
  dispatch!: MessageDispatchModel | null;

  @Field({ description: POSITION })
  position!: string;
}

/** All three subscriptions can follow one conversation (the one an agent has open) instead of the whole portal, and resume. */
@ArgsType()
export class NotificationArgs {
  @Field(() => ID, { nullable: true, description: "Only this conversation's events (in the caller's portal)." })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Resume after a reconnect: the `position` of the last notification received. What was missed since goes out first, in order, then live ones, none twice. ' +
      'More than 1,000 missed: REPLAY_TOO_LONG (query the tickets again, then subscribe without it).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  afterPosition?: string | null;
}
