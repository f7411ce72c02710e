import { Module } from '@nestjs/common';
import { ConversationMutationsResolver } from './conversation-mutations.resolver.js';
import { GetTicketHandler, ListTicketsHandler } from './ticket-queries.js';
import { TicketsResolver } from './tickets.resolver.js';

/** The agents' GraphQL surface: the ticket list, and the conversation commands behind it. */
@Module({ providers: [ListTicketsHandler, GetTicketHandler, TicketsResolver, ConversationMutationsResolver] })
export class TicketsModule {}
