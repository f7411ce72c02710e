import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';
import {
  type ThreadConversation,
  type ThreadPageBothWays,
  type ThreadPageRequest,
  listThreadPage,
} from '@helpdesk/projections/thread/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { findConversation } from './conversation-thread.reader.js';

/** A conversation of the portal; null when unknown or another portal's (the same answer for both). */
export class FindConversationQuery extends Query<ThreadConversation | null> {
  constructor(
    readonly portalId: string,
    readonly conversationId: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(FindConversationQuery)
export class FindConversationHandler implements IQueryHandler<FindConversationQuery, ThreadConversation | null> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ portalId, conversationId, atLeastPosition }: FindConversationQuery) {
    await this.readYourWrites.atLeast(atLeastPosition);
    // An empty thread and someone else's conversation must differ for the client: null, not an empty page.
    return findConversation(this.readStore.db, portalId, conversationId);
  }
}

/** A page of a conversation's thread that FindConversationQuery found in the portal. */
export class GetThreadPageQuery extends Query<ThreadPageBothWays> {
  constructor(
    readonly portalId: string,
    readonly conversationId: string,
    readonly page: ThreadPageRequest,
  ) {
    super();
  }
}

@QueryHandler(GetThreadPageQuery)
export class GetThreadPageHandler implements IQueryHandler<GetThreadPageQuery, ThreadPageBothWays> {
  constructor(private readonly readStore: ReadStore) {}

  async execute({ portalId, conversationId, page }: GetThreadPageQuery): Promise<ThreadPageBothWays> {
    try {
      return await listThreadPage(this.readStore.db, { portalId, conversationId }, page);
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        const field = 'before' in page ? 'before' : 'after';
        const cursor = field === 'before' ? 'thread.pageInfo.startCursor' : 'thread.pageInfo.endCursor';
        throw badUserInput([{ field, messages: [`${field} must be a ${cursor} of this conversation`] }]);
      }
      throw error;
    }
  }
}
