import { campaignStreamName } from '@helpdesk/domain';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import type { CampaignRow } from './campaigns.documents.js';
import { CAMPAIGNS, campaignsProjection } from './campaigns.projection.js';

/** The portal's campaign; another portal's id finds nothing, exactly like an unknown one. */
export async function getCampaign(db: ReadDatabase, portalId: string, campaignId: string): Promise<CampaignRow | null> {
  const row = await db
    .selectFrom(physicalTableName(campaignsProjection, CAMPAIGNS))
    .select('document')
    .where('id', '=', campaignStreamName(portalId, campaignId))
    .where('portal_id', '=', portalId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document as string) as CampaignRow) : null;
}
