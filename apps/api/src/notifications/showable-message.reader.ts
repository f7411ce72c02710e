import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type ThreadMessage, threadProjection } from '@helpdesk/projections/thread/index.js';

/** Whether the thread read model holds this message of the portal, not quarantined: only then may a notification preview it. */
export async function isShowable(db: ReadDatabase, portalId: string, threadMessageKey: string): Promise<boolean> {
  const row = (await db
    .selectFrom(physicalTableName(threadProjection, 'messages'))
    .select('document')
    .where('id', '=', threadMessageKey)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row !== undefined && (JSON.parse(row.document) as ThreadMessage).quarantine === null;
}
