import { Module } from '@nestjs/common';
import { ContactApiModule } from '../contact/contact-api.module.js';
import { MediaModule } from '../media/media.module.js';
import { ChooseContactResolver } from './choose-contact.resolver.js';
import { FindConversationHandler, GetThreadPageHandler } from './conversation-thread.query.js';
import { ConversationMutationsResolver } from './conversation-mutations.resolver.js';
import { ReadStateResolver } from './read-state.resolver.js';
import { ResendOutboundMessageResolver } from './resend-outbound-message.resolver.js';
import { StartConversationResolver } from './start-conversation.resolver.js';
import { TicketContactResolver } from './ticket-contact.resolver.js';
import { TicketConnectionResolver } from './ticket-connection.resolver.js';
import { CountTicketsHandler, GetTicketHandler, ListTicketsHandler } from './ticket.queries.js';
import { ThreadsResolver } from './threads.resolver.js';
import { TicketsResolver } from './tickets.resolver.js';

/**
 * Conversations in GraphQL: the agents' ticket list (with each ticket's contact), a conversation's
 * thread for agents and auditors, and the conversation commands behind them.
 */
@Module({
  imports: [ContactApiModule, MediaModule],
  providers: [
    ...[ListTicketsHandler, CountTicketsHandler, GetTicketHandler, FindConversationHandler, GetThreadPageHandler],
    ...[TicketsResolver, TicketConnectionResolver, TicketContactResolver, ThreadsResolver],
    ...[ConversationMutationsResolver, ResendOutboundMessageResolver, StartConversationResolver],
    ReadStateResolver,
    ChooseContactResolver,
  ],
})
export class ConversationApiModule {}
