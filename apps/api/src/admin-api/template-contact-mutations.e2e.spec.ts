import { EVENT_STORE } from '@helpdesk/event-store';
import { listContacts, listTemplates } from '@helpdesk/projections/directory/index.js';
import { metaAnswers, deliver } from '../outbound/delivery.test-world.js';
import type { World } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { acme, contactPhone, globex } from '../tickets/tickets.test-world.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../views-api/views-api.test-world.js';
import {
  APPROVE_TEMPLATE,
  CHANGE_CONTACT,
  CREATE_CONTACT,
  REGISTER_TEMPLATE,
  REJECT_TEMPLATE,
  REPLY,
  RESEND,
  readModelsAt,
} from './admin-api.test-world.js';

const key = { accountId: 'account-1', language: 'en_US' };
const shipping = {
  ...{ ...key, name: 'shipping_update', category: 'UTILITY', body: 'Your parcel {{1}} ships today.' },
  ...{ header: { kind: 'TEXT', text: 'Shipping' }, buttons: [{ kind: 'URL', text: 'Track', url: 'https://example.com/track' }] },
};

/** Templates (admins), contacts and resending (agents) over real HTTP, each readable at the position it returns. */
describe('template, contact and resend mutations GraphQL API', () => {
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
    const registered = await world.ok<{ name: string; position: string }>(REGISTER_TEMPLATE, { input: shipping }, admin);
    const templates = async (position: string) => at(position, (db) => listTemplates(db, acme, 'account-1'));
    expect((await templates(registered.position)).find((row) => row.name === 'shipping_update')).toMatchObject({
      status: 'pending', category: 'utility', header: { kind: 'text', text: 'Shipping' }, buttons: [{ kind: 'url', text: 'Track' }],
    });
    const approved = await world.ok<{ position: string }>(APPROVE_TEMPLATE, { input: { ...key, name: 'shipping_update' } }, admin);
    expect((await templates(approved.position)).find((row) => row.name === 'shipping_update')).toMatchObject({ status: 'approved' });
    await world.ok(REGISTER_TEMPLATE, { input: { ...shipping, name: 'promo', category: 'MARKETING', header: null, buttons: null } }, admin);
    const rejected = await world.ok<{ position: string }>(REJECT_TEMPLATE, { input: { ...key, name: 'promo', reason: 'Too pushy' } }, admin);
    expect((await templates(rejected.position)).find((row) => row.name === 'promo')).toMatchObject({ status: 'rejected', rejectionReason: 'Too pushy' });
  });

  it('refuses bad template input by field, the domain refusals, another portal and non-admins', async () => {
    const headless = await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'x', header: { kind: 'TEXT' } } }, admin);
    expect(refusal(headless)).toEqual({ code: 'BAD_USER_INPUT', fields: ['header.text'] });
    const gap = await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'gap', body: 'Hi {{2}}' } }, admin);
    expect(refusal(gap)).toEqual({ code: 'INVALID_TEMPLATE' });
    expect(refusal(await world.graphql(APPROVE_TEMPLATE, { input: { ...key, name: 'never_registered' } }, admin))).toEqual({ code: 'TEMPLATE_NOT_FOUND' });
    const globexAdmin = await world.tokenFor(globex, 'root', 'admin');
    const foreign = await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'squatting' } }, globexAdmin);
    expect(refusal(foreign)).toEqual({ code: 'CHANNEL_NOT_CONNECTED' });
    expect(refusal(await world.graphql(REGISTER_TEMPLATE, { input: { ...shipping, name: 'by_agent' } }, agent))).toEqual({ code: 'FORBIDDEN' });
  });

  it('creates and changes a contact; refuses unknown contacts, bad numbers and auditors', async () => {
    const input = { name: 'Bob', phoneNumber: '06 99 99 99 99', mobilePhoneNumber: '+33 6 88 88 88 88', defaultCountry: 'FR' };
    const { contactId } = await world.ok<{ contactId: string }>(CREATE_CONTACT, { input }, agent);
    const changed = await world.ok<{ position: string }>(CHANGE_CONTACT, { input: { contactId, name: 'Bob Builder', phoneNumber: null } }, agent);
    const contacts = await at(changed.position, (db) => listContacts(db, acme));
    expect(contacts.contacts.find((contact) => contact.contactId === contactId)).toMatchObject({
      name: 'Bob Builder', phoneNumber: null, mobilePhoneNumber: '+33688888888',
    });

    expect(refusal(await world.graphql(CHANGE_CONTACT, { input: { contactId: 'nobody', name: 'X' } }, agent))).toEqual({ code: 'CONTACT_NOT_FOUND' });
    const globexAgent = await world.tokenFor(globex, 'anna', 'agent');
    expect(refusal(await world.graphql(CHANGE_CONTACT, { input: { contactId, name: 'X' } }, globexAgent))).toEqual({ code: 'CONTACT_NOT_FOUND' });
    expect(refusal(await world.graphql(CREATE_CONTACT, { input: { name: 'X', phoneNumber: 'call me' } }, agent))).toEqual({ code: 'INVALID_PHONE_NUMBER' });
    const lowerCountry = await world.graphql(CREATE_CONTACT, { input: { name: 'X', defaultCountry: 'fr' } }, agent);
    expect(refusal(lowerCountry)).toEqual({ code: 'BAD_USER_INPUT', fields: ['defaultCountry'] });
    const auditor = await world.tokenFor(acme, 'audrey', 'auditor');
    expect(refusal(await world.graphql(CREATE_CONTACT, { input: { name: 'X' } }, auditor))).toEqual({ code: 'FORBIDDEN' });
  });

  it('resends a reply only once its delivery is unknown', async () => {
    const { conversationId } = await world.receiveFrom(contactPhone, 'wamid.1', 'Hello?');
    const reply = await world.ok<{ messageId: string }>(REPLY, { input: { conversationId, text: 'On our way' } }, agent);
    const input = { conversationId, messageId: reply.messageId };
    expect(refusal(await world.graphql(RESEND, { input }, agent))).toEqual({ code: 'INVALID_COMMAND' });

    // The dispatcher is off in this app (no access token): deliver it here, Meta never answering.
    const store = world.app.get(EVENT_STORE);
    await deliver({ store, clock: world.clock } as unknown as World, reply.messageId, [metaAnswers.noAnswer()]);
    const resent = await world.ok<{ position: string | null }>(RESEND, { input }, agent);
    expect(resent).toMatchObject({ ...input, position: expect.stringMatching(/^\d+:\d+$/) });
    expect(refusal(await world.graphql(RESEND, { input: { conversationId } }, agent))).toEqual({ code: 'BAD_USER_INPUT', fields: ['messageId'] });
    expect(refusal(await world.graphql(RESEND, { input }, await world.tokenFor(acme, 'audrey', 'auditor')))).toEqual({ code: 'FORBIDDEN' });
  });
});
