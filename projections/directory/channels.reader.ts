import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import type { ChannelRow } from './directory.documents.js';
import { CHANNELS, directoryProjection } from './directory.projection.js';

/** A portal's WhatsApp accounts by name, disconnected ones included (with no numbers). A portal has few. */
export async function listChannels(db: ReadDatabase, portalId: string): Promise<ChannelRow[]> {
  const rows = await db
    .selectFrom(physicalTableName(directoryProjection, CHANNELS))
    .select('document')
    .where('portal_id', '=', portalId)
    .orderBy('name_key')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.document as string) as ChannelRow);
}
