import { listContacts } from '@helpdesk/projections/directory/index.js';
import { acme, globex } from '../conversation/tickets.test-world.js';
import { readModelsAt } from '../graphql/read-your-writes.test-world.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../view/views.test-world.js';
import { CHANGE_CONTACT, CREATE_CONTACT } from './contact.test-world.js';

/** Contacts (agents) over real HTTP, each readable at the position it returns. */
describe('contact mutations GraphQL API', () => {
  let world: ViewsWorld;
  let agent: string;
  let at: ReturnType<typeof readModelsAt>;

  beforeAll(async () => {
    world = await openViewsWorld();
    agent = await world.tokenFor(acme, 'anna', 'agent');
    at = readModelsAt(world);
  });

  afterAll(() => world.close());

  it('creates and changes a contact; refuses unknown contacts, bad numbers and auditors', async () => {
    const input = {
      name: 'Bob',
      phoneNumber: '06 99 99 99 99',
      mobilePhoneNumber: '+33 6 88 88 88 88',
      defaultCountry: 'FR',
    };
    const { contactId } = await world.ok<{ contactId: string }>(CREATE_CONTACT, { input }, agent);
    const changed = await world.ok<{ position: string }>(
      CHANGE_CONTACT,
      { input: { contactId, name: 'Bob Builder', phoneNumber: null } },
      agent,
    );
    const contacts = await at(changed.position, (db) => listContacts(db, acme));
    expect(contacts.contacts.find((contact) => contact.contactId === contactId)).toMatchObject({
      name: 'Bob Builder',
      phoneNumber: null,
      mobilePhoneNumber: '+33688888888',
    });

    expect(refusal(await world.graphql(CHANGE_CONTACT, { input: { contactId: 'nobody', name: 'X' } }, agent))).toEqual({
      code: 'CONTACT_NOT_FOUND',
    });
    const globexAgent = await world.tokenFor(globex, 'anna', 'agent');
    expect(refusal(await world.graphql(CHANGE_CONTACT, { input: { contactId, name: 'X' } }, globexAgent))).toEqual({
      code: 'CONTACT_NOT_FOUND',
    });
    expect(
      refusal(await world.graphql(CREATE_CONTACT, { input: { name: 'X', phoneNumber: 'call me' } }, agent)),
    ).toEqual({ code: 'INVALID_PHONE_NUMBER' });
    const lowerCountry = await world.graphql(CREATE_CONTACT, { input: { name: 'X', defaultCountry: 'fr' } }, agent);
    expect(refusal(lowerCountry)).toEqual({ code: 'BAD_USER_INPUT', fields: ['defaultCountry'] });
    const auditor = await world.tokenFor(acme, 'audrey', 'auditor');
    expect(refusal(await world.graphql(CREATE_CONTACT, { input: { name: 'X' } }, auditor))).toEqual({
      code: 'FORBIDDEN',
    });
  });
});
