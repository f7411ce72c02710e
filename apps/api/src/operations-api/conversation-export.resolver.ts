import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '../auth/access-token.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ConversationExportArgs, ConversationExportModel, ExportVerificationModel, VerifyExportArgs } from './conversation-export.models.js';
import { ExportConversationQuery, VerifyConversationExportQuery } from './conversation-export.queries.js';

/** Auditors take a conversation of their portal away as a hash-chained export, and check one later, as `helpdesk export` does. */
@Resolver()
@Roles('auditor')
export class ConversationExportResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => ConversationExportModel, {
    nullable: true,
    description: 'The conversation as hash-chained NDJSON (the CLI format), quarantined content hidden. Null if there is no such conversation in the portal.',
  })
  conversationExport(@CurrentUser() user: AuthenticatedUser, @Args() { conversationId }: ConversationExportArgs): Promise<ConversationExportModel | null> {
    return this.queries.execute(new ExportConversationQuery(user.portalId, conversationId));
  }

  @Query(() => ExportVerificationModel, {
    description:
      "Recomputes an export's hash chain and compares every event with the portal's conversations in the store (id, type, position, time, data, metadata); names the first line that does not hold.",
  })
  verifyConversationExport(@CurrentUser() user: AuthenticatedUser, @Args() { ndjson }: VerifyExportArgs): Promise<ExportVerificationModel> {
    return this.queries.execute(new VerifyConversationExportQuery(user.portalId, ndjson));
  }
}
