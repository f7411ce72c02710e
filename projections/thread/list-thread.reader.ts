import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { ThreadMessage, withoutQuarantinedContent } from './thread.documents.js';
import { threadProjection } from './thread.projection.js';
import { decodeCursor, encodeCursor } from '../core/page-cursor.js';

export interface ThreadKey {
  readonly portalId: string;
  readonly conversationId: string;
}

/**
 * A thread's messages are counted up to this many: how long a thread grows is up to whoever writes
 * to the number, so an uncapped count would let a contact make every page of it slower.
 */
export const THREAD_COUNT_CAP = 10_000;

export interface ThreadPage {
  readonly messages: readonly ThreadMessage[];
  /** Messages in the thread; THREAD_COUNT_CAP when `totalCountCapped`. */
  readonly totalCount: number;
  /** True when the thread has more messages than the cap. */
  readonly totalCountCapped: boolean;
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
}

/**
 * The agents' view of a thread, oldest first. Scoped by portal: another portal's conversation id
 * gives an empty thread. Quarantined messages keep their place but never their content.
 */
export async function listThread(
  db: ReadDatabase,
  key: ThreadKey,
  first = 50,
  after?: string,
  countCap = THREAD_COUNT_CAP,
): Promise<ThreadPage> {
  const table = physicalTableName(threadProjection, 'messages');
  const query = db
    .selectFrom(table)
    .where('portal_id', '=', key.portalId)
    .where('conversation_id', '=', key.conversationId);
  const upToCap = query.select('position').limit(countCap + 1);
  const total = await db
    .selectFrom(upToCap.as('counted'))
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  const counted = Number(total.count);
  let page = query
    .select(['document', 'position'])
    .orderBy('position', 'asc')
    .limit(first + 1);
  if (after) page = page.where('position', '>', decodeCursor(after, ['number'] as const)[0]);
  const rows = (await page.execute()) as { document: string; position: number | string }[];
  const visible = rows.slice(0, first);
  const last = visible[visible.length - 1];
  return {
    messages: visible.map((row) => withoutQuarantinedContent(JSON.parse(row.document) as ThreadMessage)),
    totalCount: Math.min(counted, countCap),
    totalCountCapped: counted > countCap,
    endCursor: rows.length > first && last ? encodeCursor([Number(last.position)]) : null,
  };
}
