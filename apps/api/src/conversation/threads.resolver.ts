import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { pageInfo } from '../graphql/page-info.model.js';
import { ConversationArgs, ConversationModel, DEFAULT_THREAD_PAGE } from './conversation.model.js';
import { GetConversationThreadQuery } from './conversation-thread.query.js';
import { threadMessageModel } from './thread-message.model.js';

/** Conversation threads, always within the caller's portal. */
@Resolver(() => ConversationModel)
@Roles('agent', 'admin', 'auditor')
export class ThreadsResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => ConversationModel, {
    nullable: true,
    description:
      "One of the portal's conversations with a page of its thread; null if there is no such conversation in it.",
  })
  async conversation(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: ConversationArgs,
  ): Promise<ConversationModel | null> {
    const { id, first, after, atLeastPosition } = args;
    const pageSize = first ?? DEFAULT_THREAD_PAGE;
    const found = await this.queries.execute(
      new GetConversationThreadQuery(user.portalId, id, pageSize, after ?? undefined, atLeastPosition ?? undefined),
    );
    if (!found) return null;
    const { conversation, page } = found;
    return {
      id: conversation.conversationId,
      businessPhone: conversation.businessPhone,
      contactPhone: conversation.contactPhone,
      thread: {
        nodes: page.messages.map(threadMessageModel),
        totalCount: page.totalCount,
        totalCountCapped: page.totalCountCapped,
        pageInfo: pageInfo(page.endCursor),
      },
    };
  }
}
