import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type ThreadMessage, threadProjection } from '@helpdesk/projections/thread/index.js';

/** Whether the thread read model holds this message of the portal, not quarantined: only then may a notification preview it. */
export async function isShowable(db: ReadDatabase, portalId: string, threadMessageKey: string): Promise<boolean> {
  return (await threadMessageOf(db, portalId, threadMessageKey))?.quarantine === null;
}

/** One message of the portal's threads as the thread read model has it, or undefined. */
export async function threadMessageOf(
  db: ReadDatabase,
  portalId: string,
  threadMessageKey: string,
): Promise<ThreadMessage | undefined> {
  const row = (await db
    .selectFrom(physicalTableName(threadProjection, 'messages'))
    .select('document')
    .where('id', '=', threadMessageKey)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row && (JSON.parse(row.document) as ThreadMessage);
}
