import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { countTickets } from './count-tickets.reader.js';
import { type TicketFilter, listTickets } from './list-tickets.reader.js';
import { COUNT_TABLES, TICKET_COUNTS } from './ticket-counts.js';
import { ticketListProjection } from './ticket-list.projection.js';

const { contactPhone } = helpdesk;
const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const countRows = (db: ReadDatabase) =>
  db.selectFrom(physicalTableName(ticketListProjection, TICKET_COUNTS)).selectAll().orderBy('id').execute();
/** Every count table's rows: by status/owner/direction, by number and by contact. */
const allCountRows = (db: ReadDatabase) =>
  Promise.all(
    COUNT_TABLES.map(({ name }) =>
      db.selectFrom(physicalTableName(ticketListProjection, name)).selectAll().orderBy('id').execute(),
    ),
  );

describe.each(readStoresUnderTest())('ticket list projection on $name', (readStoreUnderTest) => {
  const spec = useProjectionWorld(ticketListProjection, readStoreUnderTest, { connectedAt });
  const history = () => spec.world.history;
  const count = async (filter: Omit<TicketFilter, 'portalId'> = {}, portalId = 'acme') =>
    (await countTickets(spec.db, { portalId, ...filter })).count;

  it('lists a new ticket with its contact, preview, unread count and open session', async () => {
    const h = history().at(at(HOUR));
    const page = await spec
      .given(h.receive(inboundMessage('wamid.1', at(HOUR))))
      .when(h.receive(inboundMessage('wamid.2', at(HOUR + 60_000))))
      .then((db) => listTickets(db, { portalId: 'acme', status: ['open'] }));

    expect(await count({ status: ['open'] })).toBe(1);
    expect(page.tickets[0]).toMatchObject({
      conversationId: conversationOf(),
      status: 'open',
      ownerId: null,
      sourceChannelType: 'whatsapp',
      contactPhone,
      preview: 'Hello (wamid.2)',
      unreadCount: 2,
      lastInboundAt: at(HOUR + 60_000),
      sessionExpiresAt: at(HOUR + 60_000 + 24 * HOUR),
    });
  });

  it('follows assignment and closing, and never shows another portal', async () => {
    const h = history().at(at(HOUR));
    const received = h.receive(inboundMessage('wamid.1', at(HOUR)));
    const ticketId = h.ticketOf(conversationOf());
    await spec.given(received).when(h.assign(conversationOf(), 'agent-7'), h.close(conversationOf())).then();

    expect(await count({ status: ['open'] })).toBe(0);
    const closed = await listTickets(spec.db, { portalId: 'acme', status: ['closed'], ownerIds: ['agent-7'] });
    expect(closed.tickets.map((row) => row.ticketId)).toEqual([ticketId]);
    expect(await count({}, 'other-portal')).toBe(0);
    expect((await listTickets(spec.db, { portalId: 'other-portal' })).tickets).toEqual([]);
  });

  it('resets the unread count when an agent marks the conversation read, without moving the ticket in the list', async () => {
    const h = history().at(at(HOUR));
    const received = [h.receive(inboundMessage('wamid.1', at(HOUR))), h.receive(inboundMessage('wamid.2', at(HOUR)))];
    const before = (await spec.given(...received).then((db) => listTickets(db, { portalId: 'acme' }))).tickets[0];
    expect(before.unreadCount).toBe(2);
    const [read] = (
      await spec
        .given()
        .when(h.at(at(2 * HOUR)).markRead(conversationOf()))
        .then((db) => listTickets(db, { portalId: 'acme' }))
    ).tickets;
    expect(read).toMatchObject({ unreadCount: 0, updatedAt: before.updatedAt });
    const [again] = (
      await spec
        .given()
        .when(h.at(at(3 * HOUR)).receive(inboundMessage('wamid.3', at(3 * HOUR))))
        .then((db) => listTickets(db, { portalId: 'acme' }))
    ).tickets;
    expect(again.unreadCount).toBe(1);
    const list = (db: ReadDatabase) => listTickets(db, { portalId: 'acme' });
    expect(await spec.rebuilt(list)).toEqual(await list(spec.db));
  });

  it('shows the name the contact gave WhatsApp, from their latest message that carried one', async () => {
    const h = history().at(at(HOUR));
    const named = { ...inboundMessage('wamid.1', at(HOUR)), profileName: 'Ada' };
    const [ticket] = (
      await spec
        .given(h.receive(named), h.receive(inboundMessage('wamid.2', at(HOUR + 1000))))
        .then((db) => listTickets(db, { portalId: 'acme' }))
    ).tickets;
    expect(ticket.contactProfileName).toBe('Ada');
    const renamed = { ...inboundMessage('wamid.3', at(HOUR + 2000)), profileName: 'Ada L.' };
    const list = (db: ReadDatabase) => listTickets(db, { portalId: 'acme' });
    const [after] = (await spec.given().when(h.receive(renamed)).then(list)).tickets;
    expect(after.contactProfileName).toBe('Ada L.');
    expect(await spec.rebuilt(list)).toEqual(await list(spec.db));
  });

  it('pages through tickets newest first without skipping or repeating', async () => {
    const h = history();
    const received = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      h.at(at(HOUR + i * 1000)).receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i}`)),
    );
    await spec.given(...received).then();
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listTickets(spec.db, { portalId: 'acme' }, 3, after);
      seen.push(...page.tickets.map((row) => row.contactPhone));
      after = page.endCursor ?? undefined;
    } while (after);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `+3361234560${i}`));
    expect(await count()).toBe(7);
  });

  it('keeps its counts equal to counting the rows while tickets move between statuses, owners and directions', async () => {
    const h = history();
    const phones = ['+33612345601', '+33612345602', '+33612345603'];
    const received = phones.map((phone, i) =>
      h.at(at(HOUR + i * 1000)).receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), phone)),
    );
    const [first, second, third] = phones.map((phone) => conversationOf(phone));
    await spec
      .given(...received)
      .when(
        h.assign(first, 'agent-7'),
        h.assign(second, 'agent-7'),
        h.assign(second, 'agent-8'),
        h.reply(second, { kind: 'text', body: 'On it' }),
        h.close(third),
        h.close(first),
        h.reopen(first),
      )
      .then();

    const filters: Omit<TicketFilter, 'portalId'>[] = [
      {},
      { status: ['open'] },
      { status: ['closed'] },
      { status: ['open'], unassigned: true },
      { ownerIds: ['agent-7'] },
      { status: ['open'], ownerIds: ['agent-8'], unassigned: true },
      { ownerIds: ['agent-9'] },
    ];
    // updatedAfter is not a counted column: with it, the same filter is counted from the rows themselves.
    const fromRows = (filter: Omit<TicketFilter, 'portalId'>) => count({ ...filter, updatedAfter: connectedAt });
    for (const filter of filters) expect([filter, await count(filter)]).toEqual([filter, await fromRows(filter)]);
    expect(await Promise.all(filters.map((filter) => count(filter)))).toEqual([3, 2, 1, 0, 1, 1, 0]);
    expect((await countRows(spec.db)).map((row) => Number(row.tickets)).reduce((sum, n) => sum + n, 0)).toBe(3);
  });

  it('counts the rows up to a cap when a filter is not on counted columns, and says so', async () => {
    const h = history();
    const received = [0, 1, 2].map((i) =>
      h.at(at(HOUR + i * 1000)).receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i}`)),
    );
    const db = await spec.given(...received).then();
    const since = { portalId: 'acme', updatedAfter: connectedAt };
    expect(await countTickets(db, since, 3)).toEqual({ count: 3, capped: false });
    expect(await countTickets(db, since, 2)).toEqual({ count: 2, capped: true });
    expect(await countTickets(db, { ...since, contactPhone: '+33612345601' }, 2)).toEqual({ count: 1, capped: false });
    // Counted columns alone are answered from the counts, exactly, whatever the cap.
    expect(await countTickets(db, { portalId: 'acme', status: ['open'] }, 2)).toEqual({ count: 3, capped: false });
  });

  it('shows the contacts sharing the number until an agent chooses one, then that contact', async () => {
    const h = history().at(at(HOUR));
    const contact = (contactId: string) =>
      h.contact({ type: 'CreateContact', data: { contactId, name: contactId, phoneNumber: contactPhone } });
    const ambiguous = await spec
      .given(contact('contact-1'), contact('contact-2'))
      .when(h.receive(inboundMessage('wamid.1', at(HOUR))))
      .then((db) => listTickets(db, { portalId: 'acme' }));
    expect(ambiguous.tickets[0]).toMatchObject({ contactId: null, contactCandidateIds: ['contact-1', 'contact-2'] });

    const chosen = await spec
      .given()
      .when(h.at(at(HOUR + 1000)).chooseContact(conversationOf(), 'contact-2'))
      .then((db) => listTickets(db, { portalId: 'acme' }));
    expect(chosen.tickets[0]).toMatchObject({ contactId: 'contact-2', contactCandidateIds: [] });
    expect(await spec.rebuilt((db) => listTickets(db, { portalId: 'acme' }))).toEqual(chosen);
  });

  it('gives the same rows when rebuilt from history as live', async () => {
    const h = history();
    const received = [0, 1, 2, 3].map((i) =>
      h.at(at(HOUR + i * 1000)).receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i % 2}`)),
    );
    const [closing] = (await spec.given(...received).then((db) => listTickets(db, { portalId: 'acme' }))).tickets;
    const conversationId = conversationOf(closing.contactPhone);
    const live = await spec
      .given(h.assign(conversationId, 'agent-7', closing.ticketId), h.close(conversationId, closing.ticketId))
      .then(async (db) => ({ page: await listTickets(db, { portalId: 'acme' }, 100), counts: await allCountRows(db) }));
    for (const rows of live.counts) expect(rows.length).toBeGreaterThan(1);

    const rebuiltRows = await spec.rebuilt(async (db) => ({
      page: await listTickets(db, { portalId: 'acme' }, 100),
      counts: await allCountRows(db),
    }));
    expect(rebuiltRows).toEqual(live);
  });
});
