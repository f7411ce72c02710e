import type { CommandBus } from '@nestjs/cqrs';
import { conversationStreamName } from '@helpdesk/domain';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { CampaignRunner } from '../../apps/api/src/campaign/campaign-runner.js';
import { parsePosition } from '../../apps/api/src/graphql/positions.js';
import type { PortalsWorld } from './portals.world.js';

export const CONTACT_PHONE = '+33612345678';
const NUMBERS: Readonly<Record<string, { phoneNumberId: string; displayNumber: string }>> = {
  acme: { phoneNumberId: '106540352242922', displayNumber: '+15550001111' },
  globex: { phoneNumberId: '206540352242933', displayNumber: '+15550002222' },
};

/** Everything one portal owns, by id: what another portal's token aims at. */
export interface PortalIds {
  readonly portalId: string;
  /** In every name and text the portal owns and in none of its ids: found in an answer, it leaked. */
  readonly marker: string;
  readonly accountId: string;
  readonly phoneNumberId: string;
  readonly displayNumber: string;
  readonly template: { readonly accountId: string; readonly name: string; readonly language: string };
  readonly conversationId: string;
  readonly ticketId: string;
  readonly inboundMessageId: string;
  readonly quarantinedMessageId: string;
  readonly outboundMessageId: string;
  readonly contactId: string;
  readonly viewId: string;
  /** A finished campaign (its one recipient unknown: refused, nothing sent). */
  readonly campaignId: string;
}

/**
 * A portal with a connected number, an approved template, a contact who wrote twice, a reply, a
 * quarantined message, a contact and a shared view: half through commands, half through the API.
 */
export async function seedPortal(world: PortalsWorld, portalId: 'acme' | 'globex'): Promise<PortalIds> {
  const marker = `${portalId}-secret`;
  const { phoneNumberId, displayNumber } = NUMBERS[portalId];
  const accountId = `${portalId}-account`;
  const template = { accountId, name: `${portalId}_order_ready`, language: 'en_US' };
  await seedCommands(world.bus, { portalId, marker, accountId, phoneNumberId, displayNumber, template });
  const receive = (wamid: string, body: string) =>
    world.bus.execute(
      new ReceiveInboundMessageCommand({
        phoneNumberId,
        wamid,
        from: CONTACT_PHONE,
        sentAt: world.clock.now().toISOString(),
        content: { kind: 'text', body },
      }),
    );
  const inbound = await receive(`wamid.${portalId}-1`, `${marker} hello`);
  const toQuarantine = await receive(`wamid.${portalId}-2`, `${marker} to quarantine`);
  const conversationId = inbound.conversationId;
  const ticketId = await ticketIdOf(world, conversationId);

  const token = world.token(portalId, ['agent', 'admin']);
  const call = async (query: string, variables: Record<string, unknown>) => {
    const answer = await world.graphql(query, variables, token);
    if (answer.errors) throw new Error(`seeding ${portalId} failed: ${answer.raw}`);
    return answer.data as Record<string, Record<string, string>>;
  };
  const reply = await call(
    'mutation ($i: ReplyToConversationInput!) { replyToConversation(input: $i) { messageId } }',
    {
      i: { conversationId, text: `${marker} reply` },
    },
  );
  await call('mutation ($i: QuarantineMessageInput!) { quarantineMessage(input: $i) { messageId } }', {
    i: { conversationId, messageId: toQuarantine.messageId, reason: 'policy' },
  });
  const contact = await call('mutation ($i: CreateContactInput!) { createContact(input: $i) { contactId } }', {
    i: { name: `${marker} contact`, phoneNumber: CONTACT_PHONE },
  });
  const view = await call('mutation ($i: CreateViewInput!) { createView(input: $i) { viewId } }', {
    i: { name: `${marker} view`, sharing: 'EVERYONE', filters: [{ field: 'STATUS', values: ['open'] }] },
  });
  const campaign = await call(
    'mutation ($i: SendTemplateCampaignInput!) { sendTemplateCampaign(input: $i) { campaignId position } }',
    {
      i: {
        ...{ fromPhoneNumberId: phoneNumberId, name: template.name, language: template.language },
        ...{ recipients: [{ contactId: `${portalId}-nobody` }], idempotencyKey: `${portalId}-campaign` },
      },
    },
  );
  // Finished before the suite looks: the runner appends nothing while a probe counts appends.
  await world.app.get(CampaignRunner).whenIdle(parsePosition(campaign.sendTemplateCampaign.position)!);
  return {
    ...{ portalId, marker, accountId, phoneNumberId, displayNumber, template, conversationId, ticketId },
    campaignId: campaign.sendTemplateCampaign.campaignId,
    ...{ inboundMessageId: inbound.messageId, quarantinedMessageId: toQuarantine.messageId },
    ...{
      outboundMessageId: reply.replyToConversation.messageId,
      contactId: contact.createContact.contactId,
      viewId: view.createView.viewId,
    },
  };
}

type PortalSeed = Pick<PortalIds, 'portalId' | 'marker' | 'accountId' | 'phoneNumberId' | 'displayNumber' | 'template'>;

async function seedCommands(bus: CommandBus, seed: PortalSeed): Promise<void> {
  const admin: CommandOrigin = { portalId: seed.portalId, actor: { kind: 'user', id: `${seed.portalId}-admin` } };
  await bus.execute(
    new RegisterPortalCommand(admin, {
      name: `${seed.marker} portal`,
      timeZone: 'Europe/Paris',
      subscriptionStartedOn: '2024-01-15',
    }),
  );
  await bus.execute(
    new ConnectAccountCommand(admin, {
      ...{
        accountId: seed.accountId,
        wabaId: `${seed.portalId}-waba`,
        name: `${seed.marker} account`,
        timeZone: 'Europe/Paris',
      },
      ...{
        accountType: 'business',
        businessVerified: true,
        phoneNumbers: [{ phoneNumberId: seed.phoneNumberId, displayNumber: seed.displayNumber }],
      },
    }),
  );
  await bus.execute(
    new RegisterTemplateCommand(admin, { ...seed.template, category: 'utility', body: `${seed.marker}: hi {{1}}` }),
  );
  await bus.execute(new ApproveTemplateCommand(admin, seed.template));
}

async function ticketIdOf(world: PortalsWorld, conversationId: string): Promise<string> {
  for await (const event of world.store.readStream(conversationStreamName(conversationId))) {
    if (event.type === 'TicketOpened') return (event.data as { ticketId: string }).ticketId;
  }
  throw new Error(`no ticket opened in ${conversationId}`);
}
