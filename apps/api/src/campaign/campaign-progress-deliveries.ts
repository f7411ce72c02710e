import type { CampaignRow } from '@helpdesk/projections/campaigns/index.js';
import { type CampaignProgressPublished, campaignModelOf } from './campaign.model.js';

/**
 * One subscriber's deliveries: the campaign as it stands, then each published change of that
 * campaign of the subscriber's portal (checked again here), until the token expires. Returning
 * (the client unsubscribes) lets go of the topic.
 */
export async function* progressOf(
  source: AsyncIterable<CampaignProgressPublished> & { destroy(): void },
  portalId: string,
  campaignId: string,
  current: CampaignRow | null,
  expiresAt: Date,
  now: () => Date,
): AsyncGenerator<CampaignProgressPublished> {
  try {
    if (current) yield { portalId, campaignProgress: campaignModelOf(current) };
    for await (const published of source) {
      if (now() >= expiresAt) return;
      if (published.portalId !== portalId || published.campaignProgress.id !== campaignId) continue;
      yield published;
    }
  } finally {
    source.destroy();
  }
}
