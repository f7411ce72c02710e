import { type HandledCommand, handleCommand, loadState } from '@helpdesk/command-handling';
import {
  type CampaignCommand,
  type CampaignEvent,
  type CampaignState,
  type StartedCampaign,
  campaignDecider,
  campaignStreamName,
  refuse,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { type CommandOrigin, causationFrom } from '../shared/command-origin.js';

/** Load the campaign, decide, append at the expected revision, retry on a concurrent write. */
export function onCampaign(
  store: EventStore,
  command: CampaignCommand,
  origin: CommandOrigin,
): Promise<HandledCommand<CampaignEvent, CampaignState>> {
  const stream = campaignStreamName(origin.portalId, command.data.campaignId);
  return handleCommand(store, stream, campaignDecider, command, {
    causation: causationFrom(origin),
    request: origin.request,
    // Concurrent outcomes of one campaign race for its stream: spread them out instead of rereading in lockstep.
    backoff: { baseMs: 2, maxMs: 100 },
    maxAttempts: 50,
  });
}

/** The portal's campaign; another portal's, like an unknown one, is CAMPAIGN_NOT_FOUND. */
export async function loadCampaign(store: EventStore, portalId: string, campaignId: string): Promise<StartedCampaign> {
  const { state } = await loadState(store, campaignStreamName(portalId, campaignId), campaignDecider);
  if (state.status === 'NoCampaign' || state.portalId !== portalId) {
    refuse('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} does not exist`);
  }
  return state;
}
