import type { ReadStore } from '@helpdesk/read-store';
import { RunConversationCommand, RunConversationCommandHandler } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import {
  HOUR,
  World,
  admin,
  agent,
  contactPhone,
  conversationOf,
  inboundMessage,
  openWorld,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ProjectionRunner } from '../core/projection-runner.js';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { countTickets } from './count-tickets.query.js';
import { type TicketFilter, listTickets } from './list-tickets.query.js';
import { COUNT_TABLES, TICKET_COUNTS } from './ticket-counts.js';
import { ticketListProjection } from './ticket-list.projection.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const countRows = (db: ReadDatabase) => db.selectFrom(physicalTableName(ticketListProjection, TICKET_COUNTS)).selectAll().orderBy('id').execute();
/** Every count table's rows: by status/owner/direction, by number and by contact. */
const allCountRows = (db: ReadDatabase) =>
  Promise.all(COUNT_TABLES.map(({ name }) => db.selectFrom(physicalTableName(ticketListProjection, name)).selectAll().orderBy('id').execute()));

describe.each(readStoresUnderTest())('ticket list projection on $name', (readStoreUnderTest) => {
  let world: World;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    world = await openWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
    runner = new ProjectionRunner(world.store, readStore.db, ticketListProjection);
    await runner.start();
  });

  afterEach(async () => {
    await runner.stop();
    await dispose();
    await world.close();
  });

  async function caughtUp(): Promise<void> {
    let last;
    for await (const event of world.store.readAll({ direction: 'backwards', maxCount: 1 })) last = event.position;
    await runner.whenCaughtUp(last);
  }
  const count = async (filter: Omit<TicketFilter, 'portalId'> = {}, portalId = 'acme') => (await countTickets(readStore.db, { portalId, ...filter })).count;

  it('lists a new ticket with its contact, preview, unread count and open session', async () => {
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    await world.receive(inboundMessage('wamid.2', at(HOUR + 60_000)));
    await caughtUp();

    const page = await listTickets(readStore.db, { portalId: 'acme', status: ['open'] });
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
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    await caughtUp();
    const [ticket] = (await listTickets(readStore.db, { portalId: 'acme' })).tickets;
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(admin, conversationOf(), 'AssignTicket', { ticketId: ticket.ticketId, assigneeId: 'agent-7' }),
    );
    await new RunConversationCommandHandler(world.store, world.clock).execute(new RunConversationCommand(admin, conversationOf(), 'CloseTicket', { ticketId: ticket.ticketId }));
    await caughtUp();

    expect(await count({ status: ['open'] })).toBe(0);
    const closed = await listTickets(readStore.db, { portalId: 'acme', status: ['closed'], ownerIds: ['agent-7'] });
    expect(closed.tickets.map((row) => row.ticketId)).toEqual([ticket.ticketId]);
    expect(await count({}, 'other-portal')).toBe(0);
    expect((await listTickets(readStore.db, { portalId: 'other-portal' })).tickets).toEqual([]);
  });

  it('pages through tickets newest first without skipping or repeating', async () => {
    for (let i = 0; i < 7; i++) {
      world.clock.set(at(HOUR + i * 1000));
      await world.receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i}`));
    }
    await caughtUp();
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listTickets(readStore.db, { portalId: 'acme' }, 3, after);
      seen.push(...page.tickets.map((row) => row.contactPhone));
      after = page.endCursor ?? undefined;
    } while (after);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `+3361234560${i}`));
    expect(await count()).toBe(7);
  });

  it('keeps its counts equal to counting the rows while tickets move between statuses, owners and directions', async () => {
    const phones = ['+33612345601', '+33612345602', '+33612345603'];
    for (const [i, phone] of phones.entries()) {
      world.clock.set(at(HOUR + i * 1000));
      await world.receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), phone));
    }
    await caughtUp();
    const ticketOf = async (phone: string) => (await listTickets(readStore.db, { portalId: 'acme', contactPhone: phone })).tickets[0].ticketId;
    const [first, second, third] = await Promise.all(phones.map(ticketOf));
    const assign = new RunConversationCommandHandler(world.store, world.clock);
    await assign.execute(new RunConversationCommand(admin, conversationOf(phones[0]), 'AssignTicket', { ticketId: first, assigneeId: 'agent-7' }));
    await assign.execute(new RunConversationCommand(admin, conversationOf(phones[1]), 'AssignTicket', { ticketId: second, assigneeId: 'agent-7' }));
    await assign.execute(new RunConversationCommand(admin, conversationOf(phones[1]), 'AssignTicket', { ticketId: second, assigneeId: 'agent-8' }));
    await world.replies.execute(new ReplyToContactCommand(agent(), conversationOf(phones[1]), { kind: 'text', body: 'On it' }));
    await new RunConversationCommandHandler(world.store, world.clock).execute(new RunConversationCommand(admin, conversationOf(phones[2]), 'CloseTicket', { ticketId: third }));
    await new RunConversationCommandHandler(world.store, world.clock).execute(new RunConversationCommand(admin, conversationOf(phones[0]), 'CloseTicket', { ticketId: first }));
    await new RunConversationCommandHandler(world.store, world.clock).execute(new RunConversationCommand(admin, conversationOf(phones[0]), 'ReopenTicket', { ticketId: first }));
    await caughtUp();

    const filters: Omit<TicketFilter, 'portalId'>[] = [
      {}, { status: ['open'] }, { status: ['closed'] }, { status: ['open'], unassigned: true }, { ownerIds: ['agent-7'] },
      { status: ['open'], ownerIds: ['agent-8'], unassigned: true }, { ownerIds: ['agent-9'] },
    ];
    // updatedAfter is not a counted column: with it, the same filter is counted from the rows themselves.
    const fromRows = (filter: Omit<TicketFilter, 'portalId'>) => count({ ...filter, updatedAfter: connectedAt });
    for (const filter of filters) expect([filter, await count(filter)]).toEqual([filter, await fromRows(filter)]);
    expect(await Promise.all(filters.map((filter) => count(filter)))).toEqual([3, 2, 1, 0, 1, 1, 0]);
    expect((await countRows(readStore.db)).map((row) => Number(row.tickets)).reduce((sum, n) => sum + n, 0)).toBe(3);
  });

  it('counts the rows up to a cap when a filter is not on counted columns, and says so', async () => {
    for (let i = 0; i < 3; i++) {
      world.clock.set(at(HOUR + i * 1000));
      await world.receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i}`));
    }
    await caughtUp();
    const since = { portalId: 'acme', updatedAfter: connectedAt };
    expect(await countTickets(readStore.db, since, 3)).toEqual({ count: 3, capped: false });
    expect(await countTickets(readStore.db, since, 2)).toEqual({ count: 2, capped: true });
    expect(await countTickets(readStore.db, { ...since, contactPhone: '+33612345601' }, 2)).toEqual({ count: 1, capped: false });
    // Counted columns alone are answered from the counts, exactly, whatever the cap.
    expect(await countTickets(readStore.db, { portalId: 'acme', status: ['open'] }, 2)).toEqual({ count: 3, capped: false });
  });

  it('gives the same rows when rebuilt from history as live', async () => {
    for (let i = 0; i < 4; i++) {
      world.clock.set(at(HOUR + i * 1000));
      await world.receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i % 2}`));
    }
    await caughtUp();
    const [closing] = (await listTickets(readStore.db, { portalId: 'acme' })).tickets;
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(admin, conversationOf(closing.contactPhone), 'AssignTicket', { ticketId: closing.ticketId, assigneeId: 'agent-7' }),
    );
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(admin, conversationOf(closing.contactPhone), 'CloseTicket', { ticketId: closing.ticketId }),
    );
    await caughtUp();
    const live = { page: await listTickets(readStore.db, { portalId: 'acme' }, 100), counts: await allCountRows(readStore.db) };
    for (const rows of live.counts) expect(rows.length).toBeGreaterThan(1);
    await runner.stop();

    const rebuilt = await readStoreUnderTest.open();
    const rebuilder = new ProjectionRunner(world.store, rebuilt.readStore.db, ticketListProjection);
    await rebuilder.start();
    await rebuilder.whenCaughtUp();
    const rebuiltRows = { page: await listTickets(rebuilt.readStore.db, { portalId: 'acme' }, 100), counts: await allCountRows(rebuilt.readStore.db) };
    expect(rebuiltRows).toEqual(live);
    await rebuilder.stop();
    await rebuilt.dispose();
  });
});
