/**
 * Search at scale, on its own: `node dist/test/bench/search-index.bench.js [tickets]` (after `npm
 * run build`). Fills a SQLite read store, created by the projections' own declarations (indexes and
 * text indexes included), with `tickets` open and closed tickets of one portal and three messages
 * each, then measures the query `tickets(search:, filter: { status: [OPEN] }, first: 25)` with its
 * `totalCount` runs (a page of 26 rows and a count up to 1,000), server-side without GraphQL, for
 * a rare, a medium and a common word, through the text index and, back to back on the same data,
 * as the search did before it (every ticket checked with LIKE, newest first).
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStore } from '@helpdesk/read-store';
import { ensureLiveTables } from '@helpdesk/projections/core/live-tables.js';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { type ReadDatabase, textIndexName } from '@helpdesk/projections/core/read-model-schema.js';
import { likeContains } from '@helpdesk/projections/core/text-index.js';
import { searchTerm, ticketSearchCondition } from '@helpdesk/projections/search/search-tickets.js';
import { searchProjection } from '@helpdesk/projections/search/search.projection.js';
import {
  type TicketCondition,
  countTickets,
  listTickets,
  matchingTickets,
  ticketListProjection,
  ticketsTable,
} from '@helpdesk/projections/ticket-list/index.js';
import { fmt, latencyOf, milliseconds, seconds } from './measure.js';

const PORTAL = 'portal-1';

/** The search as it was before the text index: each ticket, newest first, checked with LIKE. */
function likeWalkCondition(portalId: string, term: string): TicketCondition {
  const key = searchTerm(term);
  const messages = physicalTableName(searchProjection, 'messages');
  const contacts = physicalTableName(searchProjection, 'contacts');
  return {
    counted: false,
    where: (eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom(messages)
            .select(sql.lit(1).as('found'))
            .where('portal_id', '=', portalId)
            .where('ticket_id', '=', eb.ref(`${ticketsTable()}.id`))
            .where(likeContains('text_key', key)),
        ),
        eb(
          'contact_id',
          'in',
          eb
            .selectFrom(contacts)
            .select('contact_id')
            .where('portal_id', '=', portalId)
            .where(likeContains('name_key', key)),
        ),
      ]),
  };
}

async function fill(db: ReadDatabase, tickets: number): Promise<void> {
  const ticketTable = physicalTableName(ticketListProjection, 'tickets');
  const messages = physicalTableName(searchProjection, 'messages');
  const contacts = physicalTableName(searchProjection, 'contacts');
  // Ticket n: open unless n % 4 = 0, updated n minutes after a start; contact c-(n % 50,000).
  await sql
    .raw(
      `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${tickets})
       INSERT INTO "${ticketTable}" (id, document, portal_id, conversation_id, status, contact_id, contact_phone, updated_at, created_at)
       SELECT 't-' || n,
              json_object('ticketId', 't-' || n, 'portalId', '${PORTAL}', 'status', CASE WHEN n % 4 = 0 THEN 'closed' ELSE 'open' END),
              '${PORTAL}', 'conv-' || n, CASE WHEN n % 4 = 0 THEN 'closed' ELSE 'open' END, 'c-' || (n % 50000),
              '+3361' || printf('%07d', n), strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || n || ' minutes'),
              strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || n || ' minutes')
       FROM k`,
    )
    .execute(db);
  // Three messages per ticket: "refund" in one message of every 5th ticket (common), "invoice" in
  // one of every 500th (medium), "zebracorn" in 20 tickets (rare); the rest is filler.
  await sql
    .raw(
      `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${tickets * 3})
       INSERT INTO "${messages}" (id, document, portal_id, ticket_id, text_key)
       SELECT 'm-' || n, '{}', '${PORTAL}', 't-' || ((n - 1) / 3 + 1),
              CASE WHEN n % 15 = 1 THEN 'hello, i would like a refund for order ' || n
                   WHEN n % 1500 = 2 THEN 'please send the invoice for ' || n
                   WHEN n % ${Math.max(3, Math.floor((tickets * 3) / 20))} = 5 THEN 'a zebracorn ate my parcel ' || n
                   ELSE 'message ' || n || ' about delivery slot ' || (n % 997) END
       FROM k`,
    )
    .execute(db);
  await sql
    .raw(
      `WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 49999)
       INSERT INTO "${contacts}" (id, document, portal_id, contact_id, name_key)
       SELECT 'contact-' || n, '{}', '${PORTAL}', 'c-' || n, 'customer ' || n FROM k`,
    )
    .execute(db);
  if (process.env.SEARCH_BENCH_OPTIMIZE) {
    // Merges each FTS5 index into one segment, as after a long quiet spell of automerging.
    for (const [table, column] of [
      [messages, 'text_key'],
      [contacts, 'name_key'],
    ]) {
      const index = sql.table(textIndexName(table, column));
      await sql`INSERT INTO ${index} (${index}) VALUES ('optimize')`.execute(db);
    }
  }
  await sql`ANALYZE`.execute(db);
}

async function measure(runs: number, query: () => Promise<unknown>): Promise<string> {
  await query();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    await query();
    times.push(milliseconds(started));
  }
  const latency = latencyOf(times);
  return `${fmt(latency.p50, 2)} / ${fmt(latency.p99, 2)} ms`;
}

/** With SEARCH_BENCH_PLANS=1: each statement the searches run, with SQLite's plan for it. */
async function printPlans(db: ReadDatabase): Promise<void> {
  for (const term of ['zebracorn', 'invoice', 'refund']) {
    const condition = await ticketSearchCondition(db, PORTAL, term);
    const filter = { portalId: PORTAL, status: ['open' as const], matching: [condition] };
    const compiled = [
      matchingTickets(db, filter).select('id').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(26).compile(),
      matchingTickets(db, filter).select('id').limit(1001).compile(),
    ];
    for (const query of compiled) {
      const { rows } = await db.executeQuery({ ...query, sql: `EXPLAIN QUERY PLAN ${query.sql}` });
      process.stdout.write(
        `${term}: ${query.sql.slice(0, 300)}\n  ${rows.map((row) => (row as { detail: string }).detail).join('\n  ')}\n`,
      );
    }
  }
}

async function main(): Promise<void> {
  const tickets = Number(process.argv[2] ?? 200_000);
  const runs = Number(process.argv[3] ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'search-bench-'));
  const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read.sqlite') });
  try {
    const db = readStore.db as ReadDatabase;
    for (const projection of [ticketListProjection, searchProjection])
      await ensureLiveTables(db, projection, new Date());
    const started = process.hrtime.bigint();
    await fill(db, tickets);
    process.stdout.write(
      `${fmt(tickets)} tickets, ${fmt(tickets * 3)} messages filled in ${fmt(seconds(started), 1)} s\n`,
    );
    if (process.env.SEARCH_BENCH_PLANS) await printPlans(db);
    process.stdout.write(
      '| term | matching messages | text index p50 / p99 | LIKE walk (before) p50 / p99 |\n|---|---|---|---|\n',
    );
    for (const term of ['zebracorn', 'invoice', 'refund', 'no such words']) {
      const page = async (condition: TicketCondition) => {
        const filter = { portalId: PORTAL, status: ['open' as const], matching: [condition] };
        await listTickets(db, filter, 25);
        await countTickets(db, filter);
      };
      const indexed = await measure(runs, async () => page(await ticketSearchCondition(db, PORTAL, term)));
      const walked = await measure(Math.max(3, Math.floor(runs / 5)), () => page(likeWalkCondition(PORTAL, term)));
      const matching = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM ${sql.table(physicalTableName(searchProjection, 'messages'))} WHERE text_key LIKE ${`%${term}%`}`.execute(
        db,
      );
      process.stdout.write(`| ${term} | ${fmt(matching.rows[0].n)} | ${indexed} | ${walked} |\n`);
    }
  } finally {
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
