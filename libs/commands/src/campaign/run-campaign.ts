import { loadState } from '@helpdesk/command-handling';
import { type StartedCampaign, campaignDecider, pendingRecipients } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import type { CampaignRecipientSender } from './campaign-recipient.js';

export interface CampaignRunOptions {
  /** Recipients served at once within one campaign; each waits for its own sends and outcome. */
  readonly concurrency: number;
  /** Checked before each recipient: a stopping runner leaves the rest to the next one. */
  readonly isStopping: () => boolean;
}

/**
 * Serves a campaign's recipients that have no outcome yet, in order, until none is left, the
 * campaign is no longer running (stopped by the quota, cancelled), or the runner stops. What a
 * recipient became is read from the campaign stream before its turn, so this resumes where any
 * runner (this one before a crash, another instance) left off.
 */
export async function runCampaign(
  store: EventStore,
  sender: CampaignRecipientSender,
  streamName: string,
  { concurrency, isStopping }: CampaignRunOptions,
): Promise<void> {
  const first = await runningCampaign(store, streamName);
  if (!first) return;
  const queue = pendingRecipients(first);
  let next = 0;
  const worker = async () => {
    while (next < queue.length && !isStopping()) {
      const recipient = queue[next++];
      const campaign = await runningCampaign(store, streamName);
      if (!campaign) return;
      if (campaign.outcomes.has(recipient.contactId)) continue;
      await sender.serve(campaign, recipient);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Whether the campaign still runs: false once it completed, stopped or was cancelled (for good), or never started. */
export async function isCampaignRunning(store: EventStore, streamName: string): Promise<boolean> {
  return (await runningCampaign(store, streamName)) !== null;
}

async function runningCampaign(store: EventStore, streamName: string): Promise<StartedCampaign | null> {
  const { state } = await loadState(store, streamName, campaignDecider);
  return state.status === 'Running' ? state : null;
}
