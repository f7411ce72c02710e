import { type HelpdeskEventOf, campaignStreamName } from '@helpdesk/domain';
import {
  type ColumnValues,
  type DocumentAccess,
  type ProjectedEvent,
  type Projection,
  handleEvents,
} from '../core/projection.js';
import type { CampaignMessageRow, CampaignRow, CampaignRows } from './campaigns.documents.js';

export const CAMPAIGNS = 'campaigns';
export const CAMPAIGN_MESSAGES = 'campaign_messages';

/** handleEvents makes the handlers below exactly these: a missing or an extra one does not compile. */
type CampaignProjectedEvent = HelpdeskEventOf<
  | 'CampaignStarted'
  | 'CampaignRecipientAccepted'
  | 'CampaignRecipientRefused'
  | 'CampaignStopped'
  | 'CampaignCancelled'
  | 'CampaignCompleted'
  | 'TemplateMessageAccepted'
  | 'OutboundWamidRecorded'
  | 'OutboundMessageFailed'
  | 'DeliveryStatusRecorded'
>;
type Access = DocumentAccess<CampaignRows>;
type On<Type extends CampaignProjectedEvent['type']> = ProjectedEvent<HelpdeskEventOf<Type>>;

/**
 * Campaign progress: total, accepted, refused from the campaign's own events; sent and failed
 * from Meta's answers to its messages. A campaign's message is known by its TemplateMessageAccepted,
 * which the runner records under the campaign's id as correlation id, before the dispatcher can
 * answer for it and before the campaign records the recipient accepted.
 */
export const campaignsProjection: Projection<CampaignProjectedEvent, CampaignRows> = {
  name: 'campaigns',
  version: 1,
  tables: [
    { name: CAMPAIGNS, columns: { portal_id: 'text' }, indexes: [['portal_id']] },
    { name: CAMPAIGN_MESSAGES, columns: {}, indexes: [] },
  ],
  columnsOf: ({ table, document }): ColumnValues => (table === CAMPAIGNS ? { portal_id: document.portalId } : {}),
  ...handleEvents<CampaignProjectedEvent, CampaignRows>({
    CampaignStarted: (event, access) => {
      const { campaignId, portalId, fromPhoneNumberId, template, recipients, startedBy, startedAt } = event.data;
      access.put(CAMPAIGNS, campaignStreamName(portalId, campaignId), {
        ...{ campaignId, portalId, fromPhoneNumberId, templateName: template.name, language: template.language },
        ...{
          state: 'RUNNING',
          stopReason: null,
          total: recipients.length,
          accepted: 0,
          refused: 0,
          sent: 0,
          failed: 0,
        },
        ...{ startedBy, startedAt, updatedAt: startedAt },
      });
    },
    CampaignRecipientAccepted: (event, access) =>
      change(access, event.streamName, event.data.acceptedAt, (row) => ({ accepted: row.accepted + 1 })),
    CampaignRecipientRefused: (event, access) =>
      change(access, event.streamName, event.data.refusedAt, (row) => ({ refused: row.refused + 1 })),
    CampaignStopped: (event, access) =>
      change(access, event.streamName, event.data.stoppedAt, () => ({
        state: 'STOPPED',
        stopReason: event.data.reason,
      })),
    CampaignCancelled: (event, access) =>
      change(access, event.streamName, event.data.cancelledAt, () => ({ state: 'CANCELLED' })),
    CampaignCompleted: (event, access) =>
      change(access, event.streamName, event.data.completedAt, () => ({ state: 'COMPLETED' })),
    TemplateMessageAccepted: registerMessage,
    OutboundWamidRecorded: (event, access) => answered(access, event.data.messageId, 'sent', event.created),
    OutboundMessageFailed: (event, access) => answered(access, event.data.messageId, 'failed', event.data.failedAt),
    DeliveryStatusRecorded: (event, access) =>
      answered(access, event.data.messageId, event.data.status === 'failed' ? 'failed' : 'sent', event.data.at),
  }),
};

async function change(
  access: Access,
  campaignKey: string,
  at: string,
  update: (row: CampaignRow) => Partial<CampaignRow>,
): Promise<void> {
  const row = await access.get(CAMPAIGNS, campaignKey);
  if (row) access.put(CAMPAIGNS, campaignKey, { ...row, ...update(row), updatedAt: at });
}

async function registerMessage(event: On<'TemplateMessageAccepted'>, access: Access): Promise<void> {
  const { tenantId, correlationId } = event.metadata;
  if (typeof tenantId !== 'string' || typeof correlationId !== 'string') return;
  const campaignKey = campaignStreamName(tenantId, correlationId);
  if (!(await access.get(CAMPAIGNS, campaignKey))) return;
  const { messageId } = event.data;
  access.put(CAMPAIGN_MESSAGES, messageId, { messageId, campaignKey, status: 'accepted' });
}

/** Meta's latest word on a campaign message moves it between sent and failed, counted once. */
async function answered(
  access: Access,
  messageId: string,
  status: 'sent' | 'failed',
  at: string | Date,
): Promise<void> {
  const message = await access.get(CAMPAIGN_MESSAGES, messageId);
  if (!message || message.status === status) return;
  access.put(CAMPAIGN_MESSAGES, messageId, { ...message, status } satisfies CampaignMessageRow);
  const when = typeof at === 'string' ? at : at.toISOString();
  await change(access, message.campaignKey, when, (row) => ({
    [status]: row[status] + 1,
    ...(message.status !== 'accepted' && { [message.status]: row[message.status] - 1 }),
  }));
}
