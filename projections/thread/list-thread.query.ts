import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { ThreadMessage, withoutQuarantinedContent } from './thread.documents.js';
import { threadProjection } from './thread.projection.js';
import { decodeCursor, encodeCursor } from '../core/page-cursor.js';

export interface ThreadKey {
  readonly portalId: string;
  readonly conversationId: string;
}

export interface ThreadPage {
  readonly messages: readonly ThreadMessage[];
  readonly totalCount: number;
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
}

/**
 * The agents' view of a thread, oldest first. Scoped by portal: another portal's conversation id
 * gives an empty thread. Quarantined messages keep their place but never their content.
 */
export async function listThread(db: ReadDatabase, key: ThreadKey, first = 50, after?: string): Promise<ThreadPage> {
  const table = physicalTableName(threadProjection, 'messages');
  const query = db.selectFrom(table).where('portal_id', '=', key.portalId).where('conversation_id', '=', key.conversationId);
  const total = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  let page = query.select(['document', 'position']).orderBy('position', 'asc').limit(first + 1);
  if (after) page = page.where('position', '>', decodeCursor(after, ['number'] as const)[0]);
  const rows = (await page.execute()) as { document: string; position: number | string }[];
  const visible = rows.slice(0, first);
  const last = visible[visible.length - 1];
  return {
    messages: visible.map((row) => withoutQuarantinedContent(JSON.parse(row.document) as ThreadMessage)),
    totalCount: Number((total as { count: number | string }).count),
    endCursor: rows.length > first && last ? encodeCursor([Number(last.position)]) : null,
  };
}
