import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import type { TemplateRow } from './directory.documents.js';
import { TEMPLATES, directoryProjection } from './directory.projection.js';

/** A portal's templates, of one account when given, by account, name and language, whatever their review status. */
export async function listTemplates(db: ReadDatabase, portalId: string, accountId?: string): Promise<TemplateRow[]> {
  let query = db
    .selectFrom(physicalTableName(directoryProjection, TEMPLATES))
    .select('document')
    .where('portal_id', '=', portalId);
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  const rows = await query.orderBy('account_id').orderBy('name').orderBy('language').execute();
  return rows.map((row) => JSON.parse(row.document as string) as TemplateRow);
}
