import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import {
  type ThreadConversation,
  type ThreadPage,
  listThread,
  threadProjection,
} from '@helpdesk/projections/thread/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

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
export class GetConversationThreadHandler implements IQueryHandler<GetConversationThreadQuery, ConversationThread | null> {
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
        throw badUserInput([{ field: 'after', messages: ['after must be a thread.pageInfo.endCursor of this conversation'] }]);
      }
      throw error;
    }
  }
}

async function findConversation(db: ReadDatabase, portalId: string, conversationId: string): Promise<ThreadConversation | null> {
  const row = (await db
    .selectFrom(physicalTableName(threadProjection, 'conversations'))
    .select('document')
    .where('id', '=', conversationId)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row ? (JSON.parse(row.document) as ThreadConversation) : null;
}
