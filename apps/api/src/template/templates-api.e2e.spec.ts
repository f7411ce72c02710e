import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { RejectTemplateCommand } from '@helpdesk/commands/template/reject-template.handler.js';
import { connectAccount } from '../channel/channel.test-world.js';
import {
  type TicketsWorld,
  acme,
  admin,
  globex,
  openTicketsWorld,
  template,
} from '../conversation/tickets.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';

const TEMPLATES = `query($accountId: ID) {
  templates(accountId: $accountId) {
    accountId name language category status body header { kind text } buttons { kind text url } rejectionReason reviewedAt
  }
}`;
const WAIT = 'query($at: String) { templates(atLeastPosition: $at) { name } }';

/** Templates of the directory read model over GraphQL, each portal seeing only its own. */
describe('templates GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let other: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    other = await world.token(globex, 'agent,admin,auditor');
    const london = { accountId: 'account-2', name: 'acme Sales', timeZone: 'Europe/London', verified: false };
    await connectAccount(world, acme, {
      ...london,
      numbers: [
        ['200000000000001', '+15550002222'],
        ['200000000000002', '+15550003333'],
      ],
    });
    const globexLine = { accountId: 'account-g', name: 'Globex', timeZone: 'America/New_York', verified: true };
    await connectAccount(world, globex, { ...globexLine, numbers: [['900000000000001', '+15550009999']] });
    const promo = {
      accountId: 'account-2',
      name: 'promo',
      language: 'fr',
      category: 'marketing',
      body: 'Soldes {{1}}',
    } as const;
    const buttons = [{ kind: 'url', text: 'Voir', url: 'https://acme.example' }] as const;
    await world.bus.execute(
      new RegisterTemplateCommand(admin(acme), { ...promo, header: { kind: 'text', text: 'Soldes' }, buttons }),
    );
    const { accountId, name, language } = promo;
    await world.bus.execute(
      new RejectTemplateCommand(admin(acme), { accountId, name, language, reason: 'Promotional content' }),
    );
    const welcome = {
      accountId: 'account-g',
      name: 'welcome',
      language: 'en_US',
      category: 'utility',
      body: 'Hi',
    } as const;
    await world.bus.execute(new RegisterTemplateCommand(admin(globex), welcome));
    // Read-your-writes on the log's end: every read below sees all of the above.
    expect((await world.graphql(WAIT, { at: await logHead(world) }, agent)).errors).toBeUndefined();
  });

  afterAll(() => world.close());

  it("lists templates, of one channel when asked, whatever their review; another portal's account gives none", async () => {
    const all = (await world.graphql(TEMPLATES, {}, agent)).data?.templates as { name: string; status: string }[];
    expect(all.map(({ name, status }) => [name, status])).toEqual([
      ['order_ready', 'APPROVED'],
      ['promo', 'REJECTED'],
    ]);
    expect((await world.graphql(TEMPLATES, { accountId: 'account-2' }, agent)).data?.templates).toEqual([
      {
        accountId: 'account-2',
        name: 'promo',
        language: 'fr',
        category: 'MARKETING',
        status: 'REJECTED',
        body: 'Soldes {{1}}',
        header: { kind: 'TEXT', text: 'Soldes' },
        buttons: [{ kind: 'URL', text: 'Voir', url: 'https://acme.example' }],
        rejectionReason: 'Promotional content',
        reviewedAt: expect.any(String),
      },
    ]);
    expect((await world.graphql(TEMPLATES, { accountId: template.accountId }, other)).data).toEqual({ templates: [] });
    expect((await world.graphql(TEMPLATES, {}, other)).data?.templates).toMatchObject([
      { accountId: 'account-g', name: 'welcome' },
    ]);
  });

  it('lets auditors read too, and nobody without a token or a reading role', async () => {
    const auditor = await world.token(acme, 'auditor');
    expect((await world.graphql(TEMPLATES, {}, auditor)).errors).toBeUndefined();
    expect((await world.graphql(TEMPLATES, {}, await world.token(acme, 'operator'))).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await world.graphql(TEMPLATES, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
