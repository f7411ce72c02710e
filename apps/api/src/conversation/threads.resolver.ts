import { QueryBus } from '@nestjs/cqrs';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import type { ThreadPageRequest } from '@helpdesk/projections/thread/index.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { badUserInput } from '../graphql/api-error.js';
import { ConversationArgs, ConversationModel, DEFAULT_THREAD_PAGE, ThreadArgs } from './conversation.model.js';
import { FindConversationQuery, GetThreadPageQuery } from './conversation-thread.query.js';
import { ThreadMessageConnectionModel, threadMessageModel } from './thread-message.model.js';

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
    const conversation = await this.queries.execute(
      new FindConversationQuery(user.portalId, id, atLeastPosition ?? undefined),
    );
    if (!conversation) return null;
    return {
      id: conversation.conversationId,
      businessPhone: conversation.businessPhone,
      contactPhone: conversation.contactPhone,
      portalId: user.portalId,
      legacyPage: { first: first ?? DEFAULT_THREAD_PAGE, ...(after && { after }) },
    };
  }

  @ResolveField('thread', () => ThreadMessageConnectionModel, {
    description:
      "A page of the conversation's messages, every ticket's, in the order the contact wrote them (WhatsApp's " +
      'timestamp; arrival breaks ties), oldest first within the page. `first`/`after` page from the oldest, ' +
      '`last`/`before` from the newest (Relay style); without them, the deprecated page arguments of ' +
      '`conversation` apply. Quarantined messages keep their place, without content.',
  })
  async thread(@Parent() parent: ConversationModel, @Args() args: ThreadArgs): Promise<ThreadMessageConnectionModel> {
    const page = await this.queries.execute(
      new GetThreadPageQuery(parent.portalId, parent.id, pageRequest(args) ?? parent.legacyPage),
    );
    return {
      nodes: page.messages.map(threadMessageModel),
      totalCount: page.totalCount,
      totalCountCapped: page.totalCountCapped,
      pageInfo: {
        endCursor: page.endCursor,
        hasNextPage: page.endCursor !== null,
        startCursor: page.startCursor,
        hasPreviousPage: page.startCursor !== null,
      },
    };
  }
}

/** One direction at a time; null when `thread` was given no page argument. */
function pageRequest({ first, after, last, before }: ThreadArgs): ThreadPageRequest | null {
  const forwards = (first ?? after ?? null) !== null;
  const backwards = (last ?? before ?? null) !== null;
  if (forwards && backwards) {
    const message = 'Page either forwards (first, after) or backwards (last, before), not both';
    throw badUserInput([
      ...(forwards ? [{ field: first != null ? 'first' : 'after', messages: [message] }] : []),
      { field: last != null ? 'last' : 'before', messages: [message] },
    ]);
  }
  if (backwards) return { last: last ?? DEFAULT_THREAD_PAGE, ...(before && { before }) };
  if (forwards) return { first: first ?? DEFAULT_THREAD_PAGE, ...(after && { after }) };
  return null;
}
