import { assertNever, refuse } from '../core/index.js';
import type { CampaignCommand, CancelCampaign, RecordRecipientOutcome, StartCampaign } from './campaign.commands.js';
import type { CampaignEvent } from './campaign.events.js';
import type { CampaignState, StartedCampaign } from './campaign.state.js';

export const CAMPAIGN_LIMITS = {
  /** Bounds the start event, the fold and the runner's work per campaign. */
  maxRecipients: 10_000,
} as const;

/** Refusals after which no other recipient can be served either: the campaign stops there. */
export const QUOTA_EXHAUSTED_CODES: readonly string[] = ['MONTHLY_LIMIT_REACHED', 'DAILY_LIMIT_REACHED'];

export function decideCampaign(command: CampaignCommand, state: CampaignState): CampaignEvent[] {
  // Another portal's campaign is answered as one that does not exist.
  if (state.status !== 'NoCampaign' && state.portalId !== command.context.portalId) {
    refuseUnknown(command.data.campaignId);
  }
  switch (command.type) {
    case 'StartCampaign':
      return state.status === 'NoCampaign' ? start(command) : refuse('INVALID_CAMPAIGN', 'This campaign exists');
    case 'RecordRecipientOutcome':
      return state.status === 'NoCampaign' ? refuseUnknown(command.data.campaignId) : record(command, state);
    case 'CancelCampaign':
      return state.status === 'NoCampaign' ? refuseUnknown(command.data.campaignId) : cancel(command, state);
    default:
      return assertNever(command);
  }
}

function start({ data, context }: StartCampaign): CampaignEvent[] {
  if (context.actor.kind !== 'user') refuse('NOT_ALLOWED', 'Campaigns are started by users');
  const { recipients } = data;
  if (recipients.length === 0) refuse('INVALID_CAMPAIGN', 'A campaign has at least one recipient');
  if (recipients.length > CAMPAIGN_LIMITS.maxRecipients) {
    refuse('CAMPAIGN_TOO_LARGE', `A campaign has at most ${CAMPAIGN_LIMITS.maxRecipients} recipients`, {
      limit: CAMPAIGN_LIMITS.maxRecipients,
    });
  }
  const contactIds = new Set(recipients.map((recipient) => recipient.contactId));
  if (contactIds.size !== recipients.length) refuse('INVALID_CAMPAIGN', 'A contact is named twice in the recipients');
  const started = { ...data, portalId: context.portalId, startedBy: context.actor.id };
  return [{ type: 'CampaignStarted', data: { ...started, startedAt: context.now.toISOString() } }];
}

/**
 * A recipient has one outcome: a second one (another runner, a retry after a crash) records
 * nothing. Outcomes are still recorded after a stop or a cancellation: a message accepted
 * meanwhile was accepted. A quota refusal stops a running campaign; the last outcome completes it.
 */
function record({ data, context }: RecordRecipientOutcome, state: StartedCampaign): CampaignEvent[] {
  const { campaignId, contactId, outcome } = data;
  if (!state.recipients.some((recipient) => recipient.contactId === contactId)) {
    refuse('INVALID_COMMAND', `Contact ${contactId} is not a recipient of campaign ${campaignId}`);
  }
  if (state.outcomes.has(contactId)) return [];
  const at = context.now.toISOString();
  const events: CampaignEvent[] = [
    outcome.kind === 'accepted'
      ? { type: 'CampaignRecipientAccepted', data: { campaignId, contactId, ...messageOf(outcome), acceptedAt: at } }
      : { type: 'CampaignRecipientRefused', data: { campaignId, contactId, code: outcome.code, refusedAt: at } },
  ];
  if (state.status !== 'Running') return events;
  if (outcome.kind === 'refused' && QUOTA_EXHAUSTED_CODES.includes(outcome.code)) {
    events.push({ type: 'CampaignStopped', data: { campaignId, reason: 'QUOTA_EXHAUSTED', stoppedAt: at } });
  } else if (state.outcomes.size + 1 === state.recipients.length) {
    events.push({ type: 'CampaignCompleted', data: { campaignId, completedAt: at } });
  }
  return events;
}

function cancel({ data, context }: CancelCampaign, state: StartedCampaign): CampaignEvent[] {
  if (state.status === 'Cancelled') return [];
  if (state.status !== 'Running') refuse('CAMPAIGN_FINISHED', `Campaign ${data.campaignId} is ${state.status}`);
  const cancelledAt = context.now.toISOString();
  return [
    { type: 'CampaignCancelled', data: { campaignId: data.campaignId, cancelledBy: context.actor.id, cancelledAt } },
  ];
}

function messageOf(outcome: { conversationId: string; messageId: string }) {
  return { conversationId: outcome.conversationId, messageId: outcome.messageId };
}

function refuseUnknown(campaignId: string): never {
  return refuse('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} does not exist`);
}
