import type { CompiledQuery } from 'kysely';
import { ReadStore } from '@helpdesk/read-store';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { connectAccount } from '../channel/channel.test-world.js';
import { createContact } from '../contact/contact.test-world.js';
import { loadContacts } from '../contact/contacts.reader.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';
import { RECEIVED_AT, type TicketsWorld, acme, globex, openTicketsWorld, phoneNumberId } from './tickets.test-world.js';

const TICKETS = `query($at: String) {
  tickets(first: 100, atLeastPosition: $at) { totalCount nodes { id contactPhone contactId contact { id name phoneNumber } } }
}`;
const CONTACTS_TABLE = 'rm_directory_v1_contacts';
const secondNumber = '200000000000001';

type TicketNode = {
  id: string;
  contactPhone: string;
  contactId: string | null;
  contact: { id: string; name: string } | null;
};

/** Ticket.contact: the directory's contact for each ticket, one SQL query per page of tickets, never another portal's. */
describe('Ticket.contact', () => {
  let world: TicketsWorld;
  let agent: string;
  let at: string;
  /** Every SQL statement the API's read store runs on the contacts table, while recording. */
  let contactQueries: { sql: string; parameters: readonly unknown[] }[] | null = null;

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    agent = await world.token(acme, 'agent');
    const sales = { accountId: 'account-2', name: 'Sales', timeZone: 'UTC', verified: true };
    await connectAccount(world, acme, { ...sales, numbers: [[secondNumber, '+15550002222']] });
    await createContact(world, acme, 'c-1', 'Ada', { phone: '+33611111111' });
    await createContact(world, acme, 'c-2', 'Bob', { mobile: '+33622222222' });
    await createContact(world, acme, 'c-3', 'Carla', { phone: '+33633333333' });
    // The same contact id in another portal: a loader keyed by contact id alone would mix them up.
    await createContact(world, globex, 'c-1', 'Globex One', { phone: '+33611111111' });
    const writes: [number: string, from: string][] = [
      [phoneNumberId, '+33611111111'],
      [secondNumber, '+33611111111'],
      [phoneNumberId, '+33622222222'],
      [phoneNumberId, '+33633333333'],
      [phoneNumberId, '+33699999999'],
    ];
    for (const [index, [number, from]] of writes.entries()) {
      const content = { kind: 'text', body: 'Hi' } as const;
      const message = { phoneNumberId: number, wamid: `wamid.c${index}`, from, sentAt: RECEIVED_AT, content };
      await world.bus.execute(new ReceiveInboundMessageCommand(message));
    }
    at = await logHead(world);

    const executor = world.app.get(ReadStore).db.getExecutor();
    const execute = executor.executeQuery.bind(executor);
    executor.executeQuery = <R>(query: CompiledQuery<R>) => {
      if (contactQueries && query.sql.includes(CONTACTS_TABLE))
        contactQueries.push({ sql: query.sql, parameters: query.parameters });
      return execute(query);
    };
  });

  afterAll(() => world.close());

  it("shows each ticket's contact, and reads all of a page's contacts with one IN query", async () => {
    contactQueries = [];
    const answer = await world.graphql(TICKETS, { at }, agent);
    const queries = contactQueries;
    contactQueries = null;
    expect(answer.errors).toBeUndefined();
    const nodes = (answer.data?.tickets as { nodes: TicketNode[] }).nodes;
    const byPhone = nodes.map(({ contactPhone, contact }) => [contactPhone, contact?.name ?? null]).sort();
    expect(byPhone).toEqual([
      ['+33611111111', 'Ada'],
      ['+33611111111', 'Ada'],
      ['+33622222222', 'Bob'],
      ['+33633333333', 'Carla'],
      ['+33699999999', null],
    ]);
    expect(nodes.find((node) => node.contact?.id === 'c-1')?.contact).toEqual({
      id: 'c-1',
      name: 'Ada',
      phoneNumber: '+33611111111',
    });

    // Five tickets, four with a contact, three distinct contacts: one query, each contact asked for once.
    expect(queries).toHaveLength(1);
    expect(queries[0].sql).toMatch(/ in \(/i);
    expect(queries[0].parameters).toEqual(
      expect.arrayContaining(['contact-acme-c-1', 'contact-acme-c-2', 'contact-acme-c-3', acme]),
    );
    expect(queries[0].parameters).toHaveLength(4);
  });

  it('batches per request: the next request reads again, and one ticket costs one query', async () => {
    const one = (await world.graphql(TICKETS, { at }, agent)).data?.tickets as { nodes: TicketNode[] };
    const ticketId = one.nodes.find((node) => node.contactId === 'c-2')?.id;
    contactQueries = [];
    const answer = await world.graphql(
      'query($id: ID!) { ticket(id: $id) { contact { name } } }',
      { id: ticketId },
      agent,
    );
    const queries = contactQueries;
    contactQueries = null;
    expect(answer.data).toEqual({ ticket: { contact: { name: 'Bob' } } });
    expect(queries).toHaveLength(1);
  });

  it("never finds another portal's contact, even by the same contact id", async () => {
    const db = world.app.get(ReadStore).db;
    const [acmeOne, globexOne, missing] = await loadContacts(db, [
      { portalId: acme, contactId: 'c-1' },
      { portalId: globex, contactId: 'c-1' },
      { portalId: globex, contactId: 'c-2' },
    ]);
    expect([acmeOne?.name, globexOne?.name, missing]).toEqual(['Ada', 'Globex One', null]);
    const other = await world.token(globex, 'agent');
    expect((await world.graphql(TICKETS, {}, other)).data?.tickets).toEqual({ totalCount: 0, nodes: [] });
  });
});
