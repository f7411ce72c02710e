/** A campaign's progress as agents follow it. `accepted` counts messages recorded; `sent` and `failed`, Meta's answers to them. */
export interface CampaignRow {
  readonly campaignId: string;
  readonly portalId: string;
  readonly fromPhoneNumberId: string;
  readonly templateName: string;
  readonly language: string;
  readonly state: 'RUNNING' | 'STOPPED' | 'CANCELLED' | 'COMPLETED';
  readonly stopReason: string | null;
  readonly total: number;
  readonly accepted: number;
  readonly refused: number;
  readonly sent: number;
  readonly failed: number;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** One campaign message, to count Meta's answer to it once, and move it if a later answer differs. */
export interface CampaignMessageRow {
  readonly messageId: string;
  /** The campaigns table's id. */
  readonly campaignKey: string;
  readonly status: 'accepted' | 'sent' | 'failed';
}

export type CampaignRows = { readonly campaigns: CampaignRow; readonly campaign_messages: CampaignMessageRow };
