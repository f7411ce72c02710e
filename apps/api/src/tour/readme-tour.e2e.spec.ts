import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig } from '@helpdesk/config';
import { mintAccessToken } from '@helpdesk/auth';
import { conversationIdOf, conversationStreamName } from '@helpdesk/domain';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { Kind } from 'graphql';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { formatPosition } from '../graphql/positions.js';
import { RECEIVED_AT, type WebhookWorld, openWebhookWorld } from '../webhooks/webhook.test-world.js';
import { type TourOperation, guidedTour, rootField } from './readme-tour.js';

interface Answer {
  data: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The ids the README's tour names, as `helpdesk seed-demo` makes them for the portal "demo" (apps/cli/src/seed-demo/demo-plan.ts). */
const DEMO = {
  portalId: 'demo',
  accountId: 'demo-whatsapp',
  wabaId: '192837465091827',
  phoneNumberId: '161949345654293',
  contacts: [
    { contactId: 'demo-anna', name: 'Anna de Vries', mobilePhoneNumber: '+31 6 12345678' },
    { contactId: 'demo-bas', name: 'Bas Jansen', phoneNumber: '+31 20 123 4567', mobilePhoneNumber: '+31 6 87654321' },
    { contactId: 'demo-chloe', name: 'Chloé Dubois', mobilePhoneNumber: '+33 6 12 34 56 78' },
    { contactId: 'demo-priya', name: 'Priya Patel', mobilePhoneNumber: '+44 7700 900123' },
  ],
} as const;
const ANNA_WA_ID = '31612345678';

/**
 * The README's guided tour, read from README.md and run operation by operation over HTTP, on the
 * demo's portal, number, templates and contacts, after Anna wrote: each one must answer without
 * errors, or only with the error codes its README comment warns about.
 */
describe("the README's guided tour, run as written", () => {
  let world: WebhookWorld;
  let graphqlUrl: string;
  let token: string;
  const tour = guidedTour();

  async function graphql(query: string, variables: Record<string, unknown>): Promise<Answer> {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  }

  beforeAll(async () => {
    world = await openWebhookWorld();
    graphqlUrl = world.url.replace('/webhooks/whatsapp', '/graphql');
    const secret = world.app.get<AppConfig>(APP_CONFIG).auth.jwtSecret;
    const origin: CommandOrigin = { portalId: DEMO.portalId, actor: { kind: 'system', id: 'seed-demo' } };
    const zone = 'Europe/Amsterdam';
    await world.bus.execute(
      new RegisterPortalCommand(origin, { name: 'Demo (demo)', timeZone: zone, subscriptionStartedOn: '2023-10-01' }),
    );
    await world.bus.execute(
      new ConnectAccountCommand(origin, {
        ...{ accountId: DEMO.accountId, wabaId: DEMO.wabaId, name: 'Demo support', timeZone: zone },
        ...{ accountType: 'business', businessVerified: false },
        phoneNumbers: [{ phoneNumberId: DEMO.phoneNumberId, displayNumber: '+15551230001' }],
      }),
    );
    const template = { accountId: DEMO.accountId, name: 'welcome_back', language: 'en' };
    await world.bus.execute(
      new RegisterTemplateCommand(origin, {
        ...template,
        category: 'utility',
        body: 'Hi {{1}}, thanks for contacting {{2}}. Reply to this message to continue the conversation.',
      }),
    );
    await world.bus.execute(new ApproveTemplateCommand(origin, template));
    for (const contact of DEMO.contacts) await world.bus.execute(new CreateContactCommand(origin, contact));

    // Anna writes to the demo's number, within 24 hours of the clock the tour runs at.
    world.clock.set(RECEIVED_AT);
    const inbound = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: DEMO.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15551230001', phone_number_id: DEMO.phoneNumberId },
                contacts: [{ profile: { name: 'Anna' }, wa_id: ANNA_WA_ID }],
                messages: [
                  {
                    from: ANNA_WA_ID,
                    id: 'wamid.anna-1',
                    timestamp: '1697043223',
                    type: 'text',
                    text: { body: 'My invoice is wrong' },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    expect((await world.post(JSON.stringify(inbound))).status).toBe(200);
    await world.processed();
    const stream = conversationStreamName(
      conversationIdOf({ portalId: DEMO.portalId, phoneNumberId: DEMO.phoneNumberId, contactWaId: ANNA_WA_ID }),
    );
    const [last] = (await eventsOf(world.store, stream)).slice(-1);
    expect(last).toBeDefined();
    token = mintAccessToken(
      { portalId: DEMO.portalId, userId: 'me', roles: ['agent', 'admin'], expiresInSeconds: 3600 },
      secret,
      world.clock.now(),
    );
    // The tour's first reads have no atLeastPosition: wait here until the ticket list holds Anna's ticket.
    const ready = await graphql('query ($p: String) { tickets(atLeastPosition: $p) { totalCount } }', {
      p: formatPosition(last.position),
    });
    expect(ready.data?.tickets.totalCount).toBe(1);
  });

  afterAll(() => world?.close());

  it('runs every operation of the tour in order, with the answers of the earlier ones', async () => {
    const known: Record<string, unknown> = {};
    const outcomes: { operation: string; errors: string[]; unexpected: string[] }[] = [];
    for (const [index, operation] of tour.entries()) {
      const variables: Record<string, unknown> = {};
      for (const name of variableNames(operation)) {
        if (name === 'u' && known.u === undefined) known.u = await upload();
        variables[name] = known[name] ?? null;
      }
      const answer = await graphql(operation.source, variables);
      const codes = (answer.errors ?? []).map((error) => error.extensions?.code ?? error.message);
      outcomes.push({
        operation: `${index + 1}. ${rootField(operation)} ${JSON.stringify(variables)}`,
        errors: codes,
        unexpected: codes.filter((code) => !operation.codesMentioned.includes(code)),
      });
      remember(known, answer.data);
    }
    expect(outcomes.filter(({ unexpected }) => unexpected.length > 0)).toEqual([]);
    // The variables came from real answers, not from nothing.
    expect(known).toMatchObject({ c: expect.any(String), t: expect.any(String), id: expect.any(String) });
    expect(outcomes.length).toBe(tour.length);
  });

  async function upload(): Promise<string> {
    const response = await fetch(`${graphqlUrl.replace('/graphql', '/media')}?fileName=invoice.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
      body: Buffer.from("%PDF-1.4\n% the tour's invoice\n"),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { uploadId: string }).uploadId;
  }
});

function variableNames(operation: TourOperation): string[] {
  const [definition] = operation.document.definitions;
  return definition.kind === Kind.OPERATION_DEFINITION
    ? (definition.variableDefinitions ?? []).map((variable) => variable.variable.name.value)
    : [];
}

/**
 * What the README's variables stand for, from the answers so far: $c and $t the first ticket the
 * tour lists (Anna's), $id the campaign it started, $p the position of the last write.
 */
function remember(known: Record<string, unknown>, data: Answer['data']): void {
  if (!data) return;
  const tickets = data.tickets?.nodes as { id?: string; conversationId?: string }[] | undefined;
  if (known.c === undefined && tickets?.[0]?.conversationId && tickets[0].id) {
    known.c = tickets[0].conversationId;
    known.t = tickets[0].id;
  }
  if (data.sendTemplateCampaign?.campaignId) known.id = data.sendTemplateCampaign.campaignId;
  for (const answer of Object.values(data)) {
    const position = (answer as { position?: unknown } | null)?.position;
    if (typeof position === 'string') known.p = position;
  }
}
