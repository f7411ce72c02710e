import type { CampaignWorld } from '@helpdesk/commands/campaign/campaign.test-world.js';
import { systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import type { EventStore } from '@helpdesk/event-store';
import { CampaignRunner, type CampaignRunnerSettings } from './campaign-runner.js';

/** A runner of the world's campaigns, on its store or on another connection to it (another API instance). */
export function runnerOf(
  world: CampaignWorld,
  settings: Partial<CampaignRunnerSettings> = {},
  on: EventStore = world.store,
): CampaignRunner {
  return new CampaignRunner({ store: on, sender: world.senderOn(on), timers: systemTimers, settings });
}
