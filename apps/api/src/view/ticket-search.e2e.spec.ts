import { acme, contactPhone, globex } from '../conversation/tickets.test-world.js';
import { VIEW_TICKETS, type TicketsShown, type ViewsWorld, openViewsWorld, refusal } from './views.test-world.js';

const otherPhone = '+4915112345678';
const CREATE_CONTACT = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contactId position } }';
const QUARANTINE = 'mutation($input: QuarantineMessageInput!) { quarantineMessage(input: $input) { position } }';

/** `tickets(search:)` over real HTTP: contact name, contact number, message text; never quarantined content. */
describe('ticket search GraphQL API', () => {
  let world: ViewsWorld;
  let agent: string;
  let invoice: { conversationId: string; messageId: string; position: string };

  beforeAll(async () => {
    world = await openViewsWorld();
    agent = await world.tokenFor(acme, 'anna', 'agent');
    await world.receiveFrom(contactPhone, 'wamid.1', 'My parcel 50% damaged: tracking AB_12');
    invoice = await world.receiveFrom(otherPhone, 'wamid.2', 'Hello, invoice please');
  });

  afterAll(() => world.close());

  const phonesFound = async (search: string, at?: string, token = agent) =>
    (await world.ok<TicketsShown>(VIEW_TICKETS, { search, at }, token)).nodes.map((node) => node.contactPhone);

  it("finds tickets by message text in any case, by the contact's name and by its number in any spelling", async () => {
    expect(await phonesFound('PARCEL', invoice.position)).toEqual([contactPhone]);
    expect(await phonesFound('invoice')).toEqual([otherPhone]);
    expect(await phonesFound('50%')).toEqual([contactPhone]);
    expect(await phonesFound('ab_12')).toEqual([contactPhone]);
    expect(await phonesFound('a%_1')).toEqual([]);
    expect(await phonesFound('+49 151 123')).toEqual([otherPhone]);
    expect(await phonesFound('06 12 34 56 78')).toEqual([contactPhone]);

    const input = { name: 'Ada Lovelace', mobilePhoneNumber: '06 12 34 56 78', defaultCountry: 'FR' };
    const created = await world.ok<{ contactId: string; position: string }>(CREATE_CONTACT, { input }, agent);
    expect(await phonesFound('lovelace', created.position)).toEqual([contactPhone]);
    expect(await world.ok(VIEW_TICKETS, { search: 'lovelace', viewId: 'all-closed' }, agent)).toEqual({
      totalCount: 0,
      nodes: [],
    });
    expect(await phonesFound('lovelace', undefined, await world.tokenFor(globex, 'anna', 'agent'))).toEqual([]);
  });

  it('never finds a message by its text once it is quarantined', async () => {
    const input = { conversationId: invoice.conversationId, messageId: invoice.messageId, reason: 'personal data' };
    const quarantined = await world.ok<{ position: string }>(QUARANTINE, { input }, agent);
    expect(await phonesFound('invoice', quarantined.position)).toEqual([]);
    expect(await phonesFound('+49151')).toEqual([otherPhone]);
  });

  it('refuses a blank, too short (the trigram index needs 3 characters) or overlong term as BAD_USER_INPUT naming search', async () => {
    expect(refusal(await world.graphql(VIEW_TICKETS, { search: '   ' }, agent))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['search'],
    });
    for (const search of ['ab', ' a ', '5%'])
      expect(refusal(await world.graphql(VIEW_TICKETS, { search }, agent))).toEqual({
        code: 'BAD_USER_INPUT',
        fields: ['search'],
      });
    expect((await world.graphql(VIEW_TICKETS, { search: 'ab' }, agent)).errors?.[0].message).toMatch(
      /search needs at least 3 characters/,
    );
    expect(refusal(await world.graphql(VIEW_TICKETS, { search: 'x'.repeat(201) }, agent))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['search'],
    });
  });
});
