import { campaignStreamName } from '@helpdesk/domain';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import type { CampaignMessageRow, CampaignRow } from './campaigns.documents.js';
import { CAMPAIGNS, CAMPAIGN_MESSAGES, campaignsProjection } from './campaigns.projection.js';

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

/** The campaign a message was sent for (its campaigns-table id), or null for any other message. */
export async function campaignKeyOfMessage(db: ReadDatabase, messageId: string): Promise<string | null> {
  const row = await db
    .selectFrom(physicalTableName(campaignsProjection, CAMPAIGN_MESSAGES))
    .select('document')
    .where('id', '=', messageId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document as string) as CampaignMessageRow).campaignKey : null;
}

/** A campaign by its campaigns-table id (its stream name). */
export async function getCampaignByKey(db: ReadDatabase, campaignKey: string): Promise<CampaignRow | null> {
  const row = await db
    .selectFrom(physicalTableName(campaignsProjection, CAMPAIGNS))
    .select('document')
    .where('id', '=', campaignKey)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document as string) as CampaignRow) : null;
}
