import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';
import { type ThreadConversation, type ThreadPage, listThread } from '@helpdesk/projections/thread/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { findConversation } from './conversation-thread.reader.js';

export interface ConversationThread {
  readonly conversation: ThreadConversation;
  readonly page: ThreadPage;
}

/** A conversation of the portal with a page of its thread; null when unknown or another portal's. */
export class GetConversationThreadQuery extends Query<ConversationThread | null> {
  constructor(
    readonly portalId: string,
    readonly conversationId: string,
    readonly first: number,
    readonly after?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(GetConversationThreadQuery)
export class GetConversationThreadHandler implements IQueryHandler<
  GetConversationThreadQuery,
  ConversationThread | null
> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute(query: GetConversationThreadQuery): Promise<ConversationThread | null> {
    const { portalId, conversationId, first, after, atLeastPosition } = query;
    await this.readYourWrites.atLeast(atLeastPosition);
    // An empty thread and someone else's conversation must differ for the client: null, not an empty page.
    const conversation = await findConversation(this.readStore.db, portalId, conversationId);
    if (!conversation) return null;
    try {
      return { conversation, page: await listThread(this.readStore.db, { portalId, conversationId }, first, after) };
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw badUserInput([
          { field: 'after', messages: ['after must be a thread.pageInfo.endCursor of this conversation'] },
        ]);
      }
      throw error;
    }
  }
}
