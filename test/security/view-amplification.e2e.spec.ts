import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measureLoopHold } from '../support/event-loop-hold.js';
import { ReadStore } from '@helpdesk/read-store';
import { EVENT_STORE, type EventStore, headPosition } from '@helpdesk/event-store';
import type { ViewFilter } from '@helpdesk/domain';
import { sql } from 'kysely';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { parsePosition } from '../../apps/api/src/graphql/positions.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { acme, contactPhone } from '../../apps/api/src/conversation/tickets.test-world.js';
import { CreateViewCommand } from '@helpdesk/commands/view/create-view.handler.js';
import { CREATE_VIEW, type ViewsWorld, openViewsWorld, refusal } from '../../apps/api/src/view/views.test-world.js';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';

/** Copies of each projected ticket: about 10,000 tickets, so counting a view's rows costs (it read up to 1,001 each). */
const COPIES = 5_000;
/** The most custom views a portal may have (VIEW_LIMITS.perPortal), written out so the test states the promise. */
const PORTAL_VIEW_LIMIT = 500;
const PER_USER = 50;
/** The budget is 50 ms; the margin is for a loaded, shared test machine. */
const MAX_EVENT_LOOP_DELAY_MS = 250;

// A full GC on demand, without asking jest to start node with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const otherPhone = '+33699999999';

/**
 * Views whose counts once read ticket rows (account, number, contact) in every combination with the
 * counted columns, so every shape of count is asked for; each with the SQL that counts its tickets
 * from the rows (every seeded ticket came through account-1 on its one number).
 */
function viewKinds(businessPhone: string): { filters: ViewFilter[]; where: string }[] {
  return [
    { filters: [{ field: 'accountId', anyOf: ['account-1'] }], where: '1 = 1' },
    {
      filters: [
        { field: 'phoneNumber', anyOf: [businessPhone] },
        { field: 'status', anyOf: ['open'] },
      ],
      where: "status = 'open'",
    },
    { filters: [{ field: 'contactId', anyOf: ['contact-1'] }], where: "contact_id = 'contact-1'" },
    {
      filters: [
        { field: 'contactId', anyOf: ['contact-1', 'nobody'] },
        { field: 'owner', anyOf: [{ kind: 'user', userId: 'agent-7' }] },
      ],
      where: "contact_id = 'contact-1' AND owner_id = 'agent-7'",
    },
    {
      filters: [
        { field: 'accountId', anyOf: ['account-1'] },
        { field: 'status', anyOf: ['closed'] },
        { field: 'owner', anyOf: [{ kind: 'unassigned' }] },
      ],
      where: "status = 'closed' AND owner_id IS NULL",
    },
    { filters: [{ field: 'accountId', anyOf: ['account-2'] }], where: '1 = 0' },
  ];
}

/**
 * Finding: with 1,005 custom views on account, number or contact, `{ views { ticketCount } }` (cost
 * 21) counted up to 1,000 tickets per view synchronously and held the event loop for 6.8 s, health
 * checks included. Now a portal has at most 500 custom views and every view is counted from
 * maintained counts, yielding between views: the same request at the limit, on a portal of 10,000
 * tickets, keeps the event loop's longest delay far under a second and answers exact counts.
 */
describe('views amplification', () => {
  let world: ViewsWorld;
  let agent: string;
  let kinds: ReturnType<typeof viewKinds>;

  beforeAll(async () => {
    world = await openViewsWorld();
    const admin = { portalId: acme, actor: { kind: 'user' as const, id: 'admin-1' } };
    await world.bus.execute(
      new CreateContactCommand(admin, { contactId: 'contact-1', name: 'Ada', phoneNumber: contactPhone }),
    );
    await world.receiveFrom(contactPhone, 'wamid.1', 'Where is my order?');
    const received = await world.receiveFrom(otherPhone, 'wamid.2', 'Invoice please');
    await world.app.get(ProjectionsService).whenCaughtUp(parsePosition(received.position) ?? undefined);
    const db = world.app.get(ReadStore).db;
    const tickets = physicalTableName(ticketListProjection, 'tickets');
    const [{ phone }] = (
      await sql<{
        phone: string;
      }>`SELECT DISTINCT json_extract(document, '$.businessPhone') AS phone FROM ${sql.table(tickets)}`.execute(db)
    ).rows;
    kinds = viewKinds(phone);
    await copyTickets(world, COPIES);
    for (let i = 0; i < PORTAL_VIEW_LIMIT; i++) {
      const origin = { portalId: acme, actor: { kind: 'user' as const, id: `creator-${Math.floor(i / PER_USER)}` } };
      const data = {
        viewId: `view-${i}`,
        name: `View ${i}`,
        sharing: 'everyone' as const,
        filters: kinds[i % kinds.length].filters,
      };
      await world.bus.execute(new CreateViewCommand(origin, data));
    }
    await world.app
      .get(ProjectionsService)
      .whenCaughtUp((await headPosition(world.app.get<EventStore>(EVENT_STORE))) ?? undefined);
    agent = await world.tokenFor(acme, 'anna', 'agent');
  }, 120_000);

  afterAll(() => world?.close());

  it('answers `views { ticketCount }` at the limit with exact counts, never holding the event loop', async () => {
    const db = world.app.get(ReadStore).db;
    const tickets = physicalTableName(ticketListProjection, 'tickets');
    const expected = await Promise.all(
      kinds.map(async ({ where }) => {
        const query = sql<{
          n: number;
        }>`SELECT count(*) AS n FROM ${sql.table(tickets)} WHERE portal_id = ${acme} AND ${sql.raw(where)}`;
        return Number((await query.execute(db)).rows[0].n);
      }),
    );
    expect(expected[0]).toBeGreaterThan(2 * COPIES);
    expect(expected[2]).toBeGreaterThan(COPIES);

    const query = '{ views { id isDefault ticketCount ticketCountCapped } }';
    // A few unmeasured first: the first requests after boot also load code (compiled on first use under
    // jest), prepare statements and warm the JIT; an agent repeating the request meets the warm service.
    for (let warmUp = 0; warmUp < 3; warmUp++) expect((await world.graphql(query, {}, agent)).errors).toBeUndefined();
    // The least of up to three measurements, each net of the machine's noise (measureLoopHold): a request
    // that holds the loop does so every time.
    const measured: number[] = [];
    let answer: Awaited<ReturnType<typeof world.graphql>> | undefined;
    let windowMs = 100;
    while (measured.length < 3 && !measured.some((ms) => ms < MAX_EVENT_LOOP_DELAY_MS)) {
      // Late in a long jest run the heap is large: a major collection falling inside the request would pause
      // the loop for more than a second (1,630 ms was seen) whatever the request does. Collect first.
      collectGarbage();
      const health = fetch(new URL('/health', await world.app.getUrl()));
      const { result, holdMs, elapsedMs } = await measureLoopHold(() => world.graphql(query, {}, agent), windowMs);
      answer = result;
      windowMs = Math.max(100, elapsedMs);
      expect((await health).status).toBe(200);
      measured.push(holdMs);
    }

    if (process.env.SHOW_DELAY)
      process.stdout.write(`event loop max delay, net of noise: ${measured.map((ms) => ms.toFixed(1))} ms\n`);
    expect(Math.min(...measured)).toBeLessThan(MAX_EVENT_LOOP_DELAY_MS);
    expect(answer!.errors).toBeUndefined();
    const views = (
      answer!.data!.views as { id: string; isDefault: boolean; ticketCount: number; ticketCountCapped: boolean }[]
    ).filter((view) => !view.isDefault);
    expect(views).toHaveLength(PORTAL_VIEW_LIMIT);
    for (const view of views) {
      const kind = Number(view.id.slice('view-'.length)) % kinds.length;
      expect([view.id, view.ticketCount, view.ticketCountCapped]).toEqual([view.id, expected[kind], false]);
    }
  }, 120_000);

  it('refuses a custom view past the portal limit with VIEW_LIMIT_REACHED and its limit, appending nothing', async () => {
    const store = world.app.get<EventStore>(EVENT_STORE);
    const before = await headPosition(store);
    const newcomer = await world.tokenFor(acme, 'newcomer', 'agent');
    const answer = await world.graphql(
      CREATE_VIEW,
      { input: { name: 'One too many', sharing: 'ONLY_ME', filters: [] } },
      newcomer,
    );

    expect(refusal(answer)).toEqual({ code: 'VIEW_LIMIT_REACHED' });
    expect(answer.errors![0].extensions).toMatchObject({ limit: PORTAL_VIEW_LIMIT, scope: 'portal' });
    expect(await headPosition(store)).toEqual(before);
  });
});

/**
 * Seeds the read model as the bench does (test/bench/queries.bench.ts): each projected ticket copied
 * with new ids, every third closed and every fourth owned by agent-7, and
 * every count table the ticket list keeps counted again from the rows, keyed as the projection keys
 * them. Writing 10,000 tickets through commands would take minutes; the rows are the same shape.
 */
async function copyTickets(world: ViewsWorld, copies: number): Promise<void> {
  const db = world.app.get(ReadStore).db;
  const tickets = physicalTableName(ticketListProjection, 'tickets');
  const ticketTable = ticketListProjection.tables.find((table) => table.name === 'tickets')!;
  const columns = Object.keys(ticketTable.columns).filter((column) => column !== 'status' && column !== 'owner_id');
  const copied = `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${copies})`;
  const status = "CASE WHEN k.n % 3 = 0 THEN 'closed' ELSE t.status END";
  const owner = "CASE WHEN k.n % 4 = 0 THEN 'agent-7' ELSE t.owner_id END";
  await sql
    .raw(
      `INSERT INTO ${tickets} (id, document, status, owner_id, ${columns.join(', ')})
       ${copied}
       SELECT t.id || '~' || k.n, json_set(t.document, '$.ticketId', t.id || '~' || k.n, '$.status', ${status}, '$.ownerId', ${owner}),
              ${status}, ${owner}, ${columns.map((column) => `t.${column}`).join(', ')}
       FROM k, ${tickets} t WHERE t.id NOT LIKE '%~%'`,
    )
    .execute(db);
  // Every count table: the columns beside portal_id and tickets, in the order the projection keys rows by.
  const keys: Record<string, string> = {
    status: 'status',
    owner_id: 'ownerId',
    last_direction: 'lastMessageDirection',
    account_id: 'accountId',
    business_phone: 'businessPhone',
    contact_id: 'contactId',
  };
  for (const table of ticketListProjection.tables.filter((candidate) => 'tickets' in candidate.columns)) {
    const counted = Object.keys(keys).filter((column) => column in table.columns);
    const name = physicalTableName(ticketListProjection, table.name);
    const document = counted.map((column) => `'${keys[column]}', ${column}`).join(', ');
    await sql.raw(`DELETE FROM ${name}`).execute(db);
    await sql
      .raw(
        `INSERT INTO ${name} (id, document, portal_id, ${counted.join(', ')}, tickets)
         SELECT json_array(portal_id, ${counted.join(', ')}), json_object('portalId', portal_id, ${document}, 'tickets', count(*)),
                portal_id, ${counted.join(', ')}, count(*)
         FROM ${tickets} GROUP BY portal_id, ${counted.join(', ')}`,
      )
      .execute(db);
  }
}
