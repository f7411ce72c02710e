import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { ConversationMutationsResolver } from './conversation-mutations.resolver.js';
import { TicketContactResolver } from './ticket-contact.resolver.js';
import { TicketConnectionResolver } from './ticket-connection.resolver.js';
import { CountTicketsHandler, GetTicketHandler, ListTicketsHandler } from './ticket-queries.js';
import { TicketsResolver } from './tickets.resolver.js';

/** The agents' GraphQL surface: the ticket list, and the conversation commands behind it. */
@Module({
  imports: [DirectoryModule],
  providers: [
    ...[ListTicketsHandler, CountTicketsHandler, GetTicketHandler],
    ...[TicketsResolver, TicketConnectionResolver, TicketContactResolver, ConversationMutationsResolver],
  ],
})
export class TicketsModule {}
