import { createContact } from '../contact/contact.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';
import { RECEIVED_AT, type TicketsWorld, acme, contactPhone, globex, openTicketsWorld } from './tickets.test-world.js';

const TICKET = `query($at: String) {
  tickets(first: 10, atLeastPosition: $at) { nodes { conversationId contactId contact { id } contactCandidates { id name } } }
}`;
const CHOOSE = `mutation($input: ChooseConversationContactInput!) {
  chooseConversationContact(input: $input) { conversationId contactId position }
}`;

type TicketNode = {
  conversationId: string;
  contactId: string | null;
  contact: { id: string } | null;
  contactCandidates: { id: string; name: string }[];
};

/** Two contacts share the number that wrote: the ticket shows both, an agent picks one, over GraphQL. */
describe('choosing the contact of a conversation whose number several contacts share', () => {
  let world: TicketsWorld;
  let agent: string;
  let conversationId: string;

  const ticket = async (token: string, at?: string | null) => {
    const answer = await world.graphql(TICKET, { at }, token);
    expect(answer.errors).toBeUndefined();
    return (answer.data?.tickets as { nodes: TicketNode[] }).nodes;
  };
  const choose = (contactId: string, token = agent) =>
    world.graphql(CHOOSE, { input: { conversationId, contactId } }, token);

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    agent = await world.token(acme, 'agent');
    await createContact(world, acme, 'c-ada', 'Ada', { phone: contactPhone });
    await createContact(world, acme, 'c-bob', 'Bob', { mobile: contactPhone });
    await createContact(world, acme, 'c-other', 'Other', { phone: '+33699999999' });
    await createContact(world, globex, 'c-globex', 'Globex', { phone: contactPhone });
    ({ conversationId } = await world.receive('wamid.shared'));
  });

  afterAll(() => world.close());

  it('shows the candidates, not a contact, until one is chosen', async () => {
    const [node] = await ticket(agent, await logHead(world));
    expect(node).toMatchObject({ conversationId, contactId: null, contact: null });
    expect(node?.contactCandidates.map(({ name }) => name).sort()).toEqual(['Ada', 'Bob']);
  });

  it('refuses a contact without the number, an unknown one and another portal’s alike, and records nothing', async () => {
    for (const contactId of ['c-other', 'c-nobody', 'c-globex']) {
      const answer = await choose(contactId);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'CONTACT_NOT_FOUND' });
    }
    const globexAgent = await world.token(globex, 'agent');
    expect((await choose('c-globex', globexAgent)).errors?.[0]?.extensions).toMatchObject({
      code: 'CONVERSATION_NOT_FOUND',
    });
    expect((await choose('c-ada', await world.token(acme, 'auditor'))).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await ticket(agent, await logHead(world)))[0]?.contactId).toBeNull();
  });

  it('associates the chosen contact; the choice is final', async () => {
    const answer = await choose('c-bob');
    expect(answer.errors).toBeUndefined();
    const chosen = answer.data?.chooseConversationContact as { position: string | null };
    expect(chosen.position).not.toBeNull();

    const [node] = await ticket(agent, chosen.position);
    expect(node).toMatchObject({ contactId: 'c-bob', contact: { id: 'c-bob' }, contactCandidates: [] });
    expect((await choose('c-bob')).data?.chooseConversationContact).toMatchObject({ position: null });
    expect((await choose('c-ada')).errors?.[0]?.extensions).toMatchObject({ code: 'CONTACT_ALREADY_ASSOCIATED' });
  });
});
