import { listTemplates } from '@helpdesk/projections/directory/index.js';
import { acme, globex } from '../conversation/tickets.test-world.js';
import { readModelsAt } from '../graphql/read-your-writes.test-world.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../view/views.test-world.js';
import { APPROVE_TEMPLATE, REGISTER_TEMPLATE, REJECT_TEMPLATE } from './template.test-world.js';

const key = { accountId: 'account-1', language: 'en_US' };
const shipping = {
  ...{ ...key, name: 'shipping_update', category: 'UTILITY', body: 'Your parcel {{1}} ships today.' },
  ...{
    header: { kind: 'TEXT', text: 'Shipping' },
    buttons: [{ kind: 'URL', text: 'Track', url: 'https://example.com/track' }],
  },
};

/** Templates (admins) over real HTTP, each readable at the position it returns. */
describe('template mutations GraphQL API', () => {
  let world: ViewsWorld;
  let admin: string;
  let agent: string;
  let at: ReturnType<typeof readModelsAt>;

  beforeAll(async () => {
    world = await openViewsWorld();
    [admin, agent] = [await world.tokenFor(acme, 'root', 'admin'), await world.tokenFor(acme, 'anna', 'agent')];
    at = readModelsAt(world);
  });

  afterAll(() => world.close());

  it("registers a template and records Meta's verdicts", async () => {
    const registered = await world.ok<{ name: string; position: string }>(
      REGISTER_TEMPLATE,
      { input: shipping },
      admin,
    );
    const templates = async (position: string) => at(position, (db) => listTemplates(db, acme, 'account-1'));
    expect((await templates(registered.position)).find((row) => row.name === 'shipping_update')).toMatchObject({
      status: 'pending',
      category: 'utility',
      header: { kind: 'text', text: 'Shipping' },
      buttons: [{ kind: 'url', text: 'Track' }],
    });
    const approved = await world.ok<{ position: string }>(
      APPROVE_TEMPLATE,
      { input: { ...key, name: 'shipping_update' } },
      admin,
    );
    expect((await templates(approved.position)).find((row) => row.name === 'shipping_update')).toMatchObject({
      status: 'approved',
    });
    await world.ok(
      REGISTER_TEMPLATE,
      { input: { ...shipping, name: 'promo', category: 'MARKETING', header: null, buttons: null } },
      admin,
    );
    const rejected = await world.ok<{ position: string }>(
      REJECT_TEMPLATE,
      { input: { ...key, name: 'promo', reason: 'Too pushy' } },
      admin,
    );
    expect((await templates(rejected.position)).find((row) => row.name === 'promo')).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Too pushy',
    });
  });

  it('refuses bad template input by field, the domain refusals, another portal and non-admins', async () => {
    const headless = await world.graphql(
      REGISTER_TEMPLATE,
      { input: { ...shipping, name: 'x', header: { kind: 'TEXT' } } },
      admin,
    );
    expect(refusal(headless)).toEqual({ code: 'BAD_USER_INPUT', fields: ['header.text'] });
    const gap = await world.graphql(
      REGISTER_TEMPLATE,
      { input: { ...shipping, name: 'gap', body: 'Hi {{2}}' } },
      admin,
    );
    expect(refusal(gap)).toEqual({ code: 'INVALID_TEMPLATE' });
    expect(
      refusal(await world.graphql(APPROVE_TEMPLATE, { input: { ...key, name: 'never_registered' } }, admin)),
    ).toEqual({ code: 'TEMPLATE_NOT_FOUND' });
    const globexAdmin = await world.tokenFor(globex, 'root', 'admin');
    const foreign = await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'squatting' } }, globexAdmin);
    expect(refusal(foreign)).toEqual({ code: 'CHANNEL_NOT_CONNECTED' });
    expect(
      refusal(await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'by_agent' } }, agent)),
    ).toEqual({ code: 'FORBIDDEN' });
  });
});
