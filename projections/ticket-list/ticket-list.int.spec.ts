import type { ReadStore } from '@helpdesk/read-store';
import { AssignTicketCommand, AssignTicketHandler } from '../../apps/api/src/conversation/assign-ticket.handler.js';
import { CloseTicketCommand, CloseTicketHandler } from '../../apps/api/src/conversation/close-ticket.handler.js';
import {
  HOUR,
  World,
  admin,
  contactPhone,
  conversationOf,
  inboundMessage,
  openWorld,
} from '../../apps/api/src/conversation/conversation.test-world.js';
import { ProjectionRunner } from '../core/projection-runner.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { listTickets } from './list-tickets.query.js';
import { ticketListProjection } from './ticket-list.projection.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

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

  it('lists a new ticket with its contact, preview, unread count and open session', async () => {
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    await world.receive(inboundMessage('wamid.2', at(HOUR + 60_000)));
    await caughtUp();

    const page = await listTickets(readStore.db, { portalId: 'acme', status: ['open'] });
    expect(page.totalCount).toBe(1);
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
    await new AssignTicketHandler(world.store, world.clock).execute(
      new AssignTicketCommand(admin, conversationOf(), { ticketId: ticket.ticketId, assigneeId: 'agent-7' }),
    );
    await new CloseTicketHandler(world.store, world.clock).execute(new CloseTicketCommand(admin, conversationOf(), { ticketId: ticket.ticketId }));
    await caughtUp();

    expect((await listTickets(readStore.db, { portalId: 'acme', status: ['open'] })).totalCount).toBe(0);
    const closed = await listTickets(readStore.db, { portalId: 'acme', status: ['closed'], ownerIds: ['agent-7'] });
    expect(closed.tickets.map((row) => row.ticketId)).toEqual([ticket.ticketId]);
    expect((await listTickets(readStore.db, { portalId: 'other-portal' })).totalCount).toBe(0);
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
      expect(page.totalCount).toBe(7);
      seen.push(...page.tickets.map((row) => row.contactPhone));
      after = page.endCursor ?? undefined;
    } while (after);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `+3361234560${i}`));
  });

  it('gives the same rows when rebuilt from history as live', async () => {
    for (let i = 0; i < 4; i++) {
      world.clock.set(at(HOUR + i * 1000));
      await world.receive(inboundMessage(`wamid.${i}`, at(HOUR + i * 1000), `+3361234560${i % 2}`));
    }
    await caughtUp();
    const live = await listTickets(readStore.db, { portalId: 'acme' }, 100);
    await runner.stop();

    const rebuilt = await readStoreUnderTest.open();
    const rebuilder = new ProjectionRunner(world.store, rebuilt.readStore.db, ticketListProjection);
    await rebuilder.start();
    await rebuilder.whenCaughtUp();
    expect(await listTickets(rebuilt.readStore.db, { portalId: 'acme' }, 100)).toEqual(live);
    await rebuilder.stop();
    await rebuilt.dispose();
  });
});
