import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import {
  ConversationExportArgs,
  ConversationExportModel,
  ExportVerificationModel,
  VerifyExportArgs,
} from './conversation-export.models.js';
import { ExportConversationQuery, VerifyConversationExportQuery } from './conversation-export.queries.js';

/** Auditors take a conversation of their portal away as a signed, hash-chained export, and check one later, as `helpdesk export` does. */
@Resolver()
@Roles('auditor')
export class ConversationExportResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => ConversationExportModel, {
    nullable: true,
    description:
      'The conversation as hash-chained NDJSON with an Ed25519-signed trailer (the CLI format), quarantined content hidden, except the messages you revealed within REVEAL_VISIBLE_HOURS (those lines carry `revealed`). Null if there is no such conversation in the portal.',
  })
  conversationExport(
    @CurrentUser() user: AuthenticatedUser,
    @Args() { conversationId }: ConversationExportArgs,
  ): Promise<ConversationExportModel | null> {
    return this.queries.execute(new ExportConversationQuery(user.portalId, user.userId, conversationId));
  }

  @Query(() => ExportVerificationModel, {
    description:
      "Checks an export's hash chain and signed trailer, then compares the whole sequence with the portal's store as its auditor sees it (count, order, positions, revisions, every field); names the first line that does not hold and what is wrong. The same verification as `helpdesk export verify`.",
  })
  verifyConversationExport(
    @CurrentUser() user: AuthenticatedUser,
    @Args() { ndjson, conversationId, ofPortal }: VerifyExportArgs,
  ): Promise<ExportVerificationModel> {
    const expected = conversationId ? { conversationId } : ofPortal ? { portal: true as const } : {};
    return this.queries.execute(new VerifyConversationExportQuery(user.portalId, user.userId, ndjson, expected));
  }
}
