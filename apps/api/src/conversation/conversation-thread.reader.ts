import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type ThreadConversation, threadProjection } from '@helpdesk/projections/thread/index.js';

/** The thread read model's conversation row, only if it is the portal's: null for an unknown or another portal's conversation. */
export async function findConversation(
  db: ReadDatabase,
  portalId: string,
  conversationId: string,
): Promise<ThreadConversation | null> {
  const row = (await db
    .selectFrom(physicalTableName(threadProjection, 'conversations'))
    .select('document')
    .where('id', '=', conversationId)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row ? (JSON.parse(row.document) as ThreadConversation) : null;
}
