import { AppendOnlyMap, assertNever } from '../core/index.js';
import type { CampaignEvent, CampaignRecipient, CampaignStopReason } from './campaign.events.js';

export type CampaignStatus = 'Running' | 'Stopped' | 'Cancelled' | 'Completed';

export type RecordedOutcome = Readonly<{ kind: 'accepted'; messageId: string } | { kind: 'refused'; code: string }>;

export type StartedCampaign = Readonly<{
  status: CampaignStatus;
  campaignId: string;
  portalId: string;
  fromPhoneNumberId: string;
  template: Readonly<{ name: string; language: string }>;
  recipients: readonly CampaignRecipient[];
  startedBy: string;
  /** By contact id: a recipient has at most one outcome, which is what "never twice" rests on. */
  outcomes: AppendOnlyMap<string, RecordedOutcome>;
  accepted: number;
  refused: number;
  stopReason: CampaignStopReason | null;
}>;

export type CampaignState = Readonly<{ status: 'NoCampaign' }> | StartedCampaign;

export const initialCampaignState: CampaignState = { status: 'NoCampaign' };

/** The recipients still without an outcome, in the order they were given. */
export function pendingRecipients(state: StartedCampaign): CampaignRecipient[] {
  return state.recipients.filter((recipient) => !state.outcomes.has(recipient.contactId));
}

export function evolveCampaign(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignStarted') {
    const { campaignId, portalId, fromPhoneNumberId, template, recipients, startedBy } = event.data;
    const outcomes = AppendOnlyMap.empty<string, RecordedOutcome>();
    return {
      ...{ status: 'Running', campaignId, portalId, fromPhoneNumberId, template, recipients, startedBy, outcomes },
      ...{ accepted: 0, refused: 0, stopReason: null },
    };
  }
  if (state.status === 'NoCampaign') return state;
  switch (event.type) {
    case 'CampaignRecipientAccepted':
      return withOutcome(state, event.data.contactId, { kind: 'accepted', messageId: event.data.messageId });
    case 'CampaignRecipientRefused':
      return withOutcome(state, event.data.contactId, { kind: 'refused', code: event.data.code });
    case 'CampaignStopped':
      return { ...state, status: 'Stopped', stopReason: event.data.reason };
    case 'CampaignCancelled':
      return { ...state, status: 'Cancelled' };
    case 'CampaignCompleted':
      return { ...state, status: 'Completed' };
    default:
      return assertNever(event);
  }
}

/** Outcomes are only ever added (AppendOnlyMap: a fold of 10,000 outcomes stays linear). */
function withOutcome(state: StartedCampaign, contactId: string, outcome: RecordedOutcome): StartedCampaign {
  if (state.outcomes.has(contactId)) return state;
  const outcomes = state.outcomes.set(contactId, outcome);
  const counts = outcome.kind === 'accepted' ? { accepted: state.accepted + 1 } : { refused: state.refused + 1 };
  return { ...state, outcomes, ...counts };
}
