import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { ConversationChange } from '@helpdesk/commands/conversation/conversation-commands.js';
import { formatPosition } from '../graphql/positions.js';

const POSITION =
  "Where this request's events stand in the log: pass it as `atLeastPosition` to read your own write. " +
  'Null when the request recorded nothing new (a retried idempotency key, a change already made).';

@ObjectType('ConversationMessagePayload')
export class ConversationMessagePayload {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID)
  messageId!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}

@ObjectType('TicketPayload')
export class TicketPayload {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}

export function messagePayload(change: ConversationChange, messageId: string): ConversationMessagePayload {
  return {
    conversationId: change.conversationId,
    messageId,
    position: change.position ? formatPosition(change.position) : null,
  };
}

export function ticketPayload(change: ConversationChange, ticketId: string): TicketPayload {
  return {
    conversationId: change.conversationId,
    ticketId,
    position: change.position ? formatPosition(change.position) : null,
  };
}
