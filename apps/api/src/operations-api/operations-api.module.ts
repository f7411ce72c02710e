import { Module } from '@nestjs/common';
import { GetConversationHistoryHandler, GetProjectionStatusesHandler } from './operations-queries.js';
import { ConversationHistoryResolver, ProjectionStatusResolver } from './operations.resolver.js';

/** Operators' and auditors' read-only GraphQL surface: projection health and conversation history. */
@Module({
  providers: [GetProjectionStatusesHandler, GetConversationHistoryHandler, ProjectionStatusResolver, ConversationHistoryResolver],
})
export class OperationsApiModule {}
