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

/** A page of the thread: the first messages (after a cursor), or Relay's `last` (before a cursor), newest page first. */
export type ThreadPageRequest =
  { readonly first: number; readonly after?: string } | { readonly last: number; readonly before?: string };

export interface ThreadPageBothWays extends ThreadPage {
  /** Pass as `before` for the older messages; null when there are none (or when paging forward). */
  readonly startCursor: string | null;
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
  const { messages, totalCount, totalCountCapped, endCursor } = await listThreadPage(
    db,
    key,
    { first, ...(after !== undefined && { after }) },
    countCap,
  );
  return { messages, totalCount, totalCountCapped, endCursor };
}

/**
 * The thread in the order the contact wrote it: by Meta's timestamp (`sentAt`; our acceptance time
 * for the business's messages), arrival in the conversation's stream breaking ties, the same live
 * and after a rebuild. `last` pages from the newest message back, each page still oldest first, so
 * a chat client opens at the latest message and scrolls up with `before: startCursor`.
 */
export async function listThreadPage(
  db: ReadDatabase,
  key: ThreadKey,
  request: ThreadPageRequest,
  countCap = THREAD_COUNT_CAP,
): Promise<ThreadPageBothWays> {
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
  const backwards = 'last' in request;
  const size = backwards ? request.last : request.first;
  const cursor = backwards ? request.before : request.after;
  const direction = backwards ? 'desc' : 'asc';
  let page = query
    .select(['document', 'sent_at', 'position'])
    .orderBy('sent_at', direction)
    .orderBy('position', direction)
    .limit(size + 1);
  if (cursor) {
    const [sentAt, position] = decodeCursor(cursor, ['string', 'number'] as const);
    const beyond = backwards ? '<' : '>';
    page = page.where((eb) =>
      eb.or([eb('sent_at', beyond, sentAt), eb.and([eb('sent_at', '=', sentAt), eb('position', beyond, position)])]),
    );
  }
  type Row = { document: string; sent_at: string; position: number | string };
  const rows = (await page.execute()) as Row[];
  const more = rows.length > size;
  const visible = rows.slice(0, size);
  if (backwards) visible.reverse();
  const cursorOf = (row: Row | undefined) => (row ? encodeCursor([row.sent_at, Number(row.position)]) : null);
  return {
    messages: visible.map((row) => withoutQuarantinedContent(JSON.parse(row.document) as ThreadMessage)),
    totalCount: Math.min(counted, countCap),
    totalCountCapped: counted > countCap,
    endCursor: !backwards && more ? cursorOf(visible[visible.length - 1]) : null,
    startCursor: backwards && more ? cursorOf(visible[0]) : null,
  };
}

/**
 * One message of the thread by its row id (`threadMessageId`), only if it is the portal's: null for an
 * unknown row and for another portal's alike. A quarantined message comes without its content.
 */
export async function findThreadMessage(
  db: ReadDatabase,
  portalId: string,
  rowId: string,
): Promise<ThreadMessage | null> {
  const row = (await db
    .selectFrom(physicalTableName(threadProjection, 'messages'))
    .select('document')
    .where('id', '=', rowId)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row ? withoutQuarantinedContent(JSON.parse(row.document) as ThreadMessage) : null;
}
