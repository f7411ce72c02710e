import type { Decider } from '../core/index.js';
import type { CampaignCommand } from './campaign.commands.js';
import { decideCampaign } from './campaign.decide.js';
import type { CampaignEvent } from './campaign.events.js';
import { type CampaignState, evolveCampaign, initialCampaignState } from './campaign.state.js';

export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState> = {
  decide: decideCampaign,
  evolve: evolveCampaign,
  initialState: initialCampaignState,
};

export { CAMPAIGN_LIMITS, QUOTA_EXHAUSTED_CODES } from './campaign.decide.js';
export { pendingRecipients } from './campaign.state.js';
export type * from './campaign.commands.js';
export type * from './campaign.events.js';
export type { CampaignState, CampaignStatus, RecordedOutcome, StartedCampaign } from './campaign.state.js';
