import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { TicketCount, TicketRow } from '@helpdesk/projections/ticket-list/index.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { PageInfoModel } from '../graphql/page-info.model.js';

export enum TicketStatus {
  OPEN = 'open',
  CLOSED = 'closed',
}

registerEnumType(TicketStatus, { name: 'TicketStatus' });

/** A row of the agents' ticket list, as the ticket list read model keeps it. */
@ObjectType('Ticket')
export class TicketModel {
  @Field(() => ID, {
    description: 'The `ticketId` that assignTicket, closeTicket and reopenTicket take, beside this conversationId.',
  })
  id!: string;

  @Field(() => ID, {
    description:
      "Pass it to the conversation mutations (reply, sendTemplate, ...); assignTicket, closeTicket and reopenTicket also take this ticket's `id` as `ticketId`.",
  })
  conversationId!: string;

  @Field(() => TicketStatus)
  status!: TicketStatus;

  @Field(() => String, { nullable: true, description: 'The user the ticket is assigned to; null when unassigned.' })
  ownerId!: string | null;

  @Field({ description: 'Always `whatsapp` for now.' })
  sourceChannelType!: string;

  @Field({ description: "Meta's phone_number_id of the business number the contact wrote to." })
  phoneNumberId!: string;

  @Field({ description: 'The business number, E.164.' })
  businessPhone!: string;

  @Field({ description: "The contact's number, E.164." })
  contactPhone!: string;

  @Field(() => String, { nullable: true })
  contactId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The name the contact gave WhatsApp (Meta's contacts[].profile.name, from their latest message): show it when `contact` is null. Null when Meta sent none.",
  })
  contactProfileName?: string | null;

  /** Contacts sharing the number while none is associated: served as `contactCandidates`, not a field itself. */
  contactCandidateIds?: readonly string[];

  @Field(() => String, {
    nullable: true,
    description: "The last message's text or placeholder; never quarantined content.",
  })
  preview!: string | null;

  @Field(() => String, { nullable: true })
  lastMessageId!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the 24-hour session ends; free-form replies only before.',
  })
  sessionExpiresAt!: string | null;

  @Field(() => Int)
  unreadCount!: number;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  lastInboundAt!: string | null;
}

@ObjectType('TicketConnection')
export class TicketConnectionModel {
  @Field(() => [TicketModel])
  nodes!: TicketModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;

  /** Counts the matching tickets, once, when `totalCount` or `totalCountCapped` is asked for; not a GraphQL field. */
  counted!: () => Promise<TicketCount>;
}

export function ticketModel(row: TicketRow): TicketModel {
  // A plain copy (V8's fastest) with the row's extra keys left in: GraphQL answers only the model's fields.
  return { ...row, id: row.ticketId, status: row.status === 'open' ? TicketStatus.OPEN : TicketStatus.CLOSED };
}
