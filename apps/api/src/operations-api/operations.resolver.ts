import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { GetConversationHistoryQuery, GetInboxBacklogQuery, GetProjectionStatusesQuery } from './operations.queries.js';
import { HistoryEntryModel, InboxBacklogModel, ProjectionStatusModel } from './operations.models.js';

/** Operators watch the read models; the status spans every portal, so it is theirs alone. */
@Resolver(() => ProjectionStatusModel)
@Roles('operator')
export class ProjectionStatusResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [ProjectionStatusModel], {
    description: 'Every registered projection: state, checkpoint, lag and rows per table.',
  })
  projections(): Promise<ProjectionStatusModel[]> {
    return this.queries.execute(new GetProjectionStatusesQuery());
  }

  @Query(() => InboxBacklogModel, {
    description:
      'WhatsApp webhook payloads stored and not yet processed into commands: a burst the projections do not show as lag.',
  })
  inboxBacklog(): Promise<InboxBacklogModel> {
    return this.queries.execute(new GetInboxBacklogQuery());
  }
}

/**
 * Auditors replay a conversation of their portal, event by event, as `helpdesk replay` does; quarantined
 * content only under the caller's own recent reveal (`revealQuarantinedMessage`), never another's.
 */
@Resolver(() => HistoryEntryModel)
@Roles('auditor')
export class ConversationHistoryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [HistoryEntryModel], {
    nullable: true,
    description:
      "A conversation's events with the state after each; quarantined content hidden, except the messages you revealed within REVEAL_VISIBLE_HOURS (marked revealed). asOf stops at the last event created at or before it. Null if there is no such conversation in the portal.",
  })
  conversationHistory(
    @CurrentUser() user: AuthenticatedUser,
    @Args('conversationId', { type: () => ID }) conversationId: string,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf?: string | null,
  ): Promise<HistoryEntryModel[] | null> {
    return this.queries.execute(
      new GetConversationHistoryQuery(user.portalId, user.userId, conversationId, asOf ? new Date(asOf) : undefined),
    );
  }
}
