import type { DomainCommand } from '../core/index.js';
import type { CampaignRecipient } from './campaign.events.js';

/** The starter is the acting user (context.actor). */
export type StartCampaign = DomainCommand<
  'StartCampaign',
  {
    campaignId: string;
    fromPhoneNumberId: string;
    template: Readonly<{ name: string; language: string }>;
    recipients: readonly CampaignRecipient[];
  }
>;

/** What became of one recipient: its message recorded, or the domain's refusal code. */
export type RecipientOutcome =
  | Readonly<{ kind: 'accepted'; conversationId: string; messageId: string }>
  | Readonly<{ kind: 'refused'; code: string }>;

export type RecordRecipientOutcome = DomainCommand<
  'RecordRecipientOutcome',
  { campaignId: string; contactId: string; outcome: RecipientOutcome }
>;

export type CancelCampaign = DomainCommand<'CancelCampaign', { campaignId: string }>;

export type CampaignCommand = StartCampaign | RecordRecipientOutcome | CancelCampaign;
