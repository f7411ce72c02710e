import type { DomainEvent } from '../core/index.js';
import type { TemplateParameters } from '../template/index.js';

/** One contact of a campaign and the values of its template's placeholders. */
export type CampaignRecipient = Readonly<{ contactId: string; parameters: TemplateParameters }>;

/** Why a campaign stopped on its own before its last recipient. */
export type CampaignStopReason = 'QUOTA_EXHAUSTED';

/** The recipients are resolved when the campaign starts (a view's contacts then), never again. */
export type CampaignStarted = DomainEvent<
  'CampaignStarted',
  {
    campaignId: string;
    portalId: string;
    fromPhoneNumberId: string;
    template: Readonly<{ name: string; language: string }>;
    recipients: readonly CampaignRecipient[];
    startedBy: string;
    startedAt: string;
  }
>;

/** The help desk recorded the recipient's template message: the dispatcher sends it to Meta. */
export type CampaignRecipientAccepted = DomainEvent<
  'CampaignRecipientAccepted',
  { campaignId: string; contactId: string; conversationId: string; messageId: string; acceptedAt: string }
>;

/** Nothing was sent to the recipient: the domain's code says why (quota, no number, template...). */
export type CampaignRecipientRefused = DomainEvent<
  'CampaignRecipientRefused',
  { campaignId: string; contactId: string; code: string; refusedAt: string }
>;

export type CampaignStopped = DomainEvent<
  'CampaignStopped',
  { campaignId: string; reason: CampaignStopReason; stoppedAt: string }
>;

export type CampaignCancelled = DomainEvent<
  'CampaignCancelled',
  { campaignId: string; cancelledBy: string; cancelledAt: string }
>;

export type CampaignCompleted = DomainEvent<'CampaignCompleted', { campaignId: string; completedAt: string }>;

export type CampaignEvent =
  | CampaignStarted
  | CampaignRecipientAccepted
  | CampaignRecipientRefused
  | CampaignStopped
  | CampaignCancelled
  | CampaignCompleted;
