import { randomUUID } from 'node:crypto';
import {
  type CampaignState,
  campaignDecider,
  campaignStreamName,
  conversationStreamName,
  monthlyQuotaStreamName,
} from '@helpdesk/domain';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import { loadState } from '@helpdesk/command-handling';
import { CampaignRecipientSender } from './campaign-recipient.js';
import { CancelCampaignCommand, CancelCampaignHandler } from './cancel-campaign.handler.js';
import { StartCampaignCommand, StartCampaignHandler } from './start-campaign.handler.js';
import { ConnectAccountCommand, ConnectAccountHandler } from '../channel/connect-account.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import { CreateContactCommand, CreateContactHandler } from '../contact/create-contact.handler.js';
import {
  ReceiveInboundMessageCommand,
  ReceiveInboundMessageHandler,
} from '../conversation/receive-inbound-message.handler.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '../portal/register-portal.handler.js';
import { QuotaGate } from '../quota/quota-gate.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ApproveTemplateCommand, ApproveTemplateHandler } from '../template/approve-template.handler.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from '../template/register-template.handler.js';
import { eventsOf } from '../../../../test/support/stream-events.js';

export const now = new Date('2025-03-10T09:00:00.000Z');
export const period = '2025-02-15';
const clock = { now: () => now };
export const template = { name: 'spring_sale', language: 'en' };

/** Digits no other test uses: phone number claims are global in a shared store. */
function uniqueDigits(length: number): string {
  return BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 14)}`)
    .toString()
    .padStart(length, '7')
    .slice(-length);
}

export interface CampaignWorldOptions {
  readonly monthlyConversationLimit?: number;
  readonly approved?: boolean;
}

/**
 * A portal of its own (unique ids, so several tests share one EventStoreDB), one connected and
 * verified number, one template, and what it takes to start, cancel and run campaigns.
 */
export async function openCampaignWorld(store: EventStore, options: CampaignWorldOptions = {}) {
  const portalId = `portal-${randomUUID().slice(0, 8)}`;
  const accountId = `account-${portalId}`;
  const phoneNumberId = `1${uniqueDigits(14)}`;
  const admin: CommandOrigin = { portalId, actor: { kind: 'user', id: 'admin-1' } };
  /** With a key, the request it names (as `forRequest` makes it at the edge). */
  const agent = (idempotencyKey?: string, request: unknown = {}): CommandOrigin => ({
    portalId,
    actor: { kind: 'user', id: 'agent-1' },
    ...(idempotencyKey && { idempotencyKey, request }),
  });
  await new RegisterPortalHandler(store, clock).execute(
    new RegisterPortalCommand(admin, {
      name: 'Acme',
      timeZone: 'Europe/Paris',
      subscriptionStartedOn: '2024-01-15',
      monthlyConversationLimit: options.monthlyConversationLimit,
    }),
  );
  await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(
    new ConnectAccountCommand(admin, {
      ...{ accountId, wabaId: `waba-${portalId}`, name: 'Acme', timeZone: 'Europe/Paris' },
      ...{ accountType: 'business', businessVerified: true },
      phoneNumbers: [{ phoneNumberId, displayNumber: `+1555${uniqueDigits(7)}` }],
    }),
  );
  await new RegisterTemplateHandler(store, clock).execute(
    new RegisterTemplateCommand(admin, { accountId, ...template, category: 'marketing', body: 'Hi {{1}}, 20% off.' }),
  );
  if (options.approved !== false) {
    await new ApproveTemplateHandler(store, clock).execute(
      new ApproveTemplateCommand(admin, { accountId, ...template }),
    );
  }
  const contacts = new CreateContactHandler(store, clock, async () => {});
  const sender = new CampaignRecipientSender(store, clock, new QuotaGate(store));

  return {
    store,
    portalId,
    phoneNumberId,
    agent,
    sender,
    /** `count` contacts with a mobile number each: c-0, c-1, ... */
    async addContacts(count: number, prefix = 'c'): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const contactId = `${prefix}-${i}`;
        const mobilePhoneNumber = `+336${String(10_000_000 + i).slice(-8)}`;
        await contacts.execute(
          new CreateContactCommand(agent(), { contactId, name: `Contact ${i}`, mobilePhoneNumber }),
        );
        ids.push(contactId);
      }
      return ids;
    },
    async addContactWithoutNumber(contactId: string): Promise<void> {
      await contacts.execute(new CreateContactCommand(agent(), { contactId, name: 'No number' }));
    },
    async receiveFrom(phone: string): Promise<string> {
      const receiver = new ReceiveInboundMessageHandler(store, clock);
      const wamid = `wamid.${randomUUID()}`;
      const message = { phoneNumberId, wamid, from: phone, sentAt: now.toISOString() };
      const received = await receiver.execute(
        new ReceiveInboundMessageCommand({ ...message, content: { kind: 'text', body: 'Hello' } }),
      );
      return received.conversationId;
    },
    start(contactIds: readonly string[], key = 'campaign-1') {
      return this.startFrom(phoneNumberId, contactIds, key);
    },
    startFrom(fromPhoneNumberId: string, contactIds: readonly string[], key: string) {
      const recipients = contactIds.map((contactId) => ({ contactId, parameters: { body: [contactId] } }));
      return new StartCampaignHandler(store, clock).execute(
        new StartCampaignCommand(agent(key, { operation: 'sendTemplateCampaign', fromPhoneNumberId, contactIds }), {
          fromPhoneNumberId,
          template,
          recipients,
        }),
      );
    },
    cancel(campaignId: string) {
      return new CancelCampaignHandler(store, clock).execute(new CancelCampaignCommand(agent(), campaignId));
    },
    /** The sender a runner on `on` (another connection to the same store) uses. */
    senderOn(on: EventStore): CampaignRecipientSender {
      return on === store ? sender : new CampaignRecipientSender(on, clock, new QuotaGate(on));
    },
    async campaign(campaignId: string): Promise<CampaignState> {
      return (await loadState(store, campaignStreamName(portalId, campaignId), campaignDecider)).state;
    },
    campaignEvents(campaignId: string): Promise<RecordedEvent[]> {
      return eventsOf(store, campaignStreamName(portalId, campaignId));
    },
    /** The template messages recorded in a conversation (a start, or a template into an open thread). */
    async templatesIn(conversationId: string): Promise<number> {
      const events = await eventsOf(store, conversationStreamName(conversationId));
      return events.filter((event) => event.type === 'TemplateMessageAccepted').length;
    },
    async conversationsCounted(): Promise<number> {
      const events = await eventsOf(store, monthlyQuotaStreamName(portalId, period));
      return events.filter((event) => event.type === 'ConversationCounted').length;
    },
  };
}

export type CampaignWorld = Awaited<ReturnType<typeof openCampaignWorld>>;
