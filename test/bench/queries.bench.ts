import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { searchProjection } from '@helpdesk/projections/search/index.js';
import {
  CONTACT_COUNTS,
  NUMBER_COUNTS,
  TICKET_COUNTS,
  ticketCountId,
  ticketListProjection,
} from '@helpdesk/projections/ticket-list/index.js';
import { runLoad, startBenchApp } from './bench-app.js';
import { benchConfig } from './bench-env.js';
import { readLargeHistoryInfo } from './large-history.bench.js';
import {
  type MemoryPeak,
  MemorySampler,
  currentMemory,
  fmt,
  latencyOf,
  markdownTable,
  milliseconds,
  seconds,
} from './measure.js';
import type { ScenarioResult } from './scenario.js';

export interface QuerySizes {
  readonly dir: string;
  /** Tickets in the read model while the queries run (the projected ones, copied up to this many by `amplifyReadModel`). */
  readonly tickets: number;
  /** Server-side measurements per query: this many requests, or fewer if `serverSeconds` runs out. */
  readonly serverRequests: number;
  readonly serverSeconds: number;
  /** Client load per query: `concurrency` requests in flight for `loadSeconds`. */
  readonly loadSeconds: number;
  readonly concurrency: number;
}

interface Amplified {
  readonly projected: number;
  readonly tickets: number;
  readonly copies: number;
  readonly seconds: number;
  readonly searchRows: number;
  /** An order number ("#12345") of the newest message: a rare word, in a few dozen messages. */
  readonly rareWord: string;
}

const AMPLIFIED_FILE = 'amplified.json';

/**
 * Copies the projected tickets (and their search rows) with new ids until the read
 * model holds `tickets` tickets. Rebuilding a million tickets from events would need about 16 million
 * events, which does not fit the time budget; the copies have the shape, the spread of statuses,
 * owners and texts of the projected rows, and every index the projections create (dropped during
 * the copy and created again from their own SQL, which is faster than growing them row by row).
 * Runs in a process of its own, before the queries, so the service's memory is measured alone.
 */
export async function amplifyReadModel(options: {
  readonly dir: string;
  readonly tickets: number;
}): Promise<ScenarioResult> {
  const db = new Database(join(options.dir, 'read-models.sqlite'));
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const tickets = physicalTableName(ticketListProjection, 'tickets');
  const messages = physicalTableName(searchProjection, 'messages');
  // The copies change the counts the ticket list keeps: they are counted again, as the projection would have.
  const counts = physicalTableName(ticketListProjection, TICKET_COUNTS);
  const numberCounts = physicalTableName(ticketListProjection, NUMBER_COUNTS);
  const contactCounts = physicalTableName(ticketListProjection, CONTACT_COUNTS);
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const projected = count(tickets);
  const copies = Math.max(0, Math.ceil(options.tickets / projected) - 1);
  const started = process.hrtime.bigint();
  const copiesCte = `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${copies})`;
  const suffix = "'~' || k.n";
  db.transaction(() => {
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?, ?)`)
      .all(tickets, messages) as { name: string; sql: string }[];
    for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
    const last = (table: string) => (db.prepare(`SELECT max(rowid) AS n FROM ${table}`).get() as { n: number }).n;
    const [lastTicket, lastMessage] = [last(tickets), last(messages)];
    db.exec(`
      INSERT INTO ${tickets} (id, document, portal_id, conversation_id, status, owner_id, phone_number_id, account_id, business_phone,
                              contact_phone, contact_id, session_expires_at, created_at, updated_at, last_inbound_at, last_direction)
        ${copiesCte}
        SELECT t.id || ${suffix},
               json_set(t.document, '$.ticketId', t.id || ${suffix}, '$.updatedAt', strftime('%Y-%m-%dT%H:%M:%fZ', t.updated_at, '-' || k.n || ' days')),
               t.portal_id, t.conversation_id, t.status, t.owner_id, t.phone_number_id, t.account_id, t.business_phone, t.contact_phone,
               t.contact_id, t.session_expires_at,
               t.created_at, strftime('%Y-%m-%dT%H:%M:%fZ', t.updated_at, '-' || k.n || ' days'), t.last_inbound_at, t.last_direction
        FROM k, ${tickets} t WHERE t.rowid <= ${lastTicket};
      INSERT INTO ${messages} (id, document, portal_id, ticket_id, text_key)
        ${copiesCte}
        SELECT m.id || ${suffix}, json_set(m.document, '$.ticketId', m.ticket_id || ${suffix}), m.portal_id, m.ticket_id || ${suffix}, m.text_key
        FROM k, ${messages} m WHERE m.rowid <= ${lastMessage} AND m.ticket_id IS NOT NULL;
      DELETE FROM ${counts};
      INSERT INTO ${counts} (id, document, portal_id, status, owner_id, last_direction, tickets)
        SELECT json_array(portal_id, status, owner_id, last_direction),
               json_object('portalId', portal_id, 'status', status, 'ownerId', owner_id, 'lastMessageDirection', last_direction, 'tickets', count(*)),
               portal_id, status, owner_id, last_direction, count(*)
        FROM ${tickets} GROUP BY portal_id, status, owner_id, last_direction;
      DELETE FROM ${numberCounts};
      INSERT INTO ${numberCounts} (id, document, portal_id, status, owner_id, last_direction, account_id, business_phone, tickets)
        SELECT json_array(portal_id, status, owner_id, last_direction, account_id, business_phone),
               json_object('portalId', portal_id, 'status', status, 'ownerId', owner_id, 'lastMessageDirection', last_direction,
                           'accountId', account_id, 'businessPhone', business_phone, 'tickets', count(*)),
               portal_id, status, owner_id, last_direction, account_id, business_phone, count(*)
        FROM ${tickets} GROUP BY portal_id, status, owner_id, last_direction, account_id, business_phone;
      DELETE FROM ${contactCounts};
      INSERT INTO ${contactCounts} (id, document, portal_id, status, owner_id, last_direction, account_id, business_phone, contact_id, tickets)
        SELECT json_array(portal_id, status, owner_id, last_direction, account_id, business_phone, contact_id),
               json_object('portalId', portal_id, 'status', status, 'ownerId', owner_id, 'lastMessageDirection', last_direction,
                           'accountId', account_id, 'businessPhone', business_phone, 'contactId', contact_id, 'tickets', count(*)),
               portal_id, status, owner_id, last_direction, account_id, business_phone, contact_id, count(*)
        FROM ${tickets} GROUP BY portal_id, status, owner_id, last_direction, account_id, business_phone, contact_id;
    `);
    for (const index of indexes) db.exec(index.sql);
    // The copies went into the search rows' trigram tables through their triggers, in many segments: merged
    // into one, as the service does after filling an index (each query looks a trigram up in every segment).
    const textIndexes = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%' AND name LIKE ?`,
      )
      .all(`${messages}%`) as { name: string }[];
    for (const { name } of textIndexes) db.exec(`INSERT INTO "${name}"("${name}") VALUES ('optimize')`);
    for (const row of db.prepare(`SELECT id, document FROM ${counts}`).all() as { id: string; document: string }[]) {
      if (row.id !== ticketCountId(JSON.parse(row.document)))
        throw new Error(`count row ${row.id} is not keyed as the projection keys it`);
    }
  })();
  const amplified: Amplified = {
    projected,
    tickets: count(tickets),
    copies,
    seconds: seconds(started),
    searchRows: count(messages),
    rareWord: rareWordOf(db, messages),
  };
  db.pragma('journal_mode = WAL');
  db.close();
  writeFileSync(join(options.dir, AMPLIFIED_FILE), JSON.stringify(amplified));
  return { id: 'amplify', title: '', markdown: '', metrics: { ...amplified } };
}

/** The order number the generator writes at the end of a message, from the newest one holding one. */
function rareWordOf(db: Database.Database, messages: string): string {
  const row = db
    .prepare(`SELECT text_key FROM ${messages} WHERE text_key LIKE '%#%' ORDER BY rowid DESC LIMIT 1`)
    .get() as { text_key: string } | undefined;
  const word = /#\d{5}/.exec(row?.text_key ?? '')?.[0];
  if (!word) throw new Error('no message holds an order number to search for');
  return word;
}

interface QuerySpec {
  readonly label: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /**
   * Server-side, `query` is sent once with each of these variables instead of again and again with
   * `variables`, nothing sent before: searches for terms the service has not seen (it remembers the
   * terms it found common). One document, as a client sends it, so it is parsed once.
   */
  readonly firstTimes?: readonly Record<string, unknown>[];
}

/** Words in a third of the generated messages or more. */
const COMMON_WORDS = ['refund', 'voucher', 'warranty', 'delivery', 'cancel'];

/** Every substring of at least 3 characters of the common words, each once: commoner than its word. */
function commonSubstrings(): string[] {
  const terms = new Set<string>();
  for (const word of COMMON_WORDS)
    for (let start = 0; start < word.length; start++)
      for (let end = start + 3; end <= word.length; end++) terms.add(word.slice(start, end));
  return [...terms].filter((term) => !COMMON_WORDS.includes(term));
}

/**
 * Scenarios 4 and 6: GraphQL queries agents make, on the read model of the large history (copied up
 * to `tickets`), against the real service started on that data: server-side latency (Fastify inject,
 * one request at a time) and throughput with a separate client process over loopback.
 */
export async function benchmarkQueries(sizes: QuerySizes): Promise<ScenarioResult> {
  const info = readLargeHistoryInfo(sizes.dir);
  const amplified = JSON.parse(readFileSync(join(sizes.dir, AMPLIFIED_FILE), 'utf8')) as Amplified;
  const baseline = currentMemory();
  const memory = new MemorySampler().start();
  const bootStarted = process.hrtime.bigint();
  const app = await startBenchApp(benchConfig(sizes.dir));
  await app.app.get(ProjectionsService).whenCaughtUp();
  const bootSeconds = seconds(bootStarted);
  const token = app.token(info.portalId, ['agent'], 'agent-3');
  const ticketFields = 'id conversationId status ownerId contactPhone preview unreadCount sessionExpiresAt updatedAt';
  const firstSearches = commonSubstrings();
  const specs: QuerySpec[] = [
    {
      label: 'A view\'s first page: `tickets(viewId: "all-open", first: 25)` with `totalCount`',
      query: `query { tickets(viewId: "all-open", first: 25) { totalCount nodes { ${ticketFields} } pageInfo { endCursor hasNextPage } } }`,
      variables: {},
    },
    {
      label:
        'Another view\'s first page (status and owner): `tickets(viewId: "unassigned", first: 25)` with `totalCount`',
      query: `query { tickets(viewId: "unassigned", first: 25) { totalCount nodes { ${ticketFields} } pageInfo { endCursor hasNextPage } } }`,
      variables: {},
    },
    {
      label: 'The views with their live counts: `views { id name ticketCount }` (5 default views)',
      query: 'query { views { id name ticketCount } }',
      variables: {},
    },
    {
      label: 'A filtered search for a common word: `tickets(search: "refund", filter: { status: [OPEN] }, first: 25)`',
      query: `query { tickets(search: "refund", filter: { status: [OPEN] }, first: 25) { totalCount nodes { ${ticketFields} } } }`,
      variables: {},
    },
    {
      // Four of the history's words side by side: a few dozen messages among millions.
      label:
        'A search for a rare phrase: `tickets(search: "voucher warranty refund cancel", filter: { status: [OPEN] }, first: 25)`',
      query: `query { tickets(search: "voucher warranty refund cancel", filter: { status: [OPEN] }, first: 25) { totalCount nodes { ${ticketFields} } } }`,
      variables: {},
    },
    {
      label: 'A thread: `conversation(id:, first: 50) { thread { … } }`',
      query:
        'query ($c: ID!) { conversation(id: $c, first: 50) { id contactPhone thread { totalCount nodes { id direction type sentAt from to content { __typename ... on TextContent { body } } delivery { status deliveredAt readAt } } } } }',
      variables: { c: info.sampleConversationIds[0] },
    },
    {
      // Last, so the earlier queries keep their metric names (q0 … q5).
      label: `A search for a rare word, an order number: \`tickets(search: "${amplified.rareWord}", filter: { status: [OPEN] }, first: 25)\``,
      query: `query { tickets(search: "${amplified.rareWord}", filter: { status: [OPEN] }, first: 25) { totalCount nodes { ${ticketFields} } } }`,
      variables: {},
    },
    {
      label: `A common word searched for the first time: each of ${firstSearches.length} substrings of common words ("${firstSearches[0]}", "${firstSearches[1]}", …) once, as \`tickets(search: $term, filter: { status: [OPEN] }, first: 25)\``,
      query: `query ($term: String!) { tickets(search: $term, filter: { status: [OPEN] }, first: 25) { totalCount nodes { ${ticketFields} } } }`,
      firstTimes: firstSearches.map((term) => ({ term })),
      variables: {},
    },
  ];
  const rows: string[][] = [];
  const metrics: Record<string, number> = {};
  let peak: MemoryPeak = { rssMiB: 0, heapUsedMiB: 0 };
  /** Which query's phase reached the highest RSS. */
  let peakPhase = { label: '', rssMiB: 0 };
  let retained: MemoryPeak | undefined;
  try {
    for (const [index, spec] of specs.entries()) {
      const phase = new MemorySampler().start();
      const times: number[] = [];
      if (spec.firstTimes) {
        // The document parsed and validated once, with a term in no row (never remembered as common).
        await app.graphql(token, spec.query, { term: 'zebracorn' });
        for (const variables of spec.firstTimes) {
          const started = process.hrtime.bigint();
          await app.graphql(token, spec.query, variables);
          times.push(milliseconds(started));
        }
      } else {
        await app.graphql(token, spec.query, spec.variables);
        const deadline = process.hrtime.bigint() + BigInt(Math.round(sizes.serverSeconds * 1e9));
        while (times.length < sizes.serverRequests && process.hrtime.bigint() < deadline) {
          const started = process.hrtime.bigint();
          await app.graphql(token, spec.query, spec.variables);
          times.push(milliseconds(started));
        }
      }
      const server = latencyOf(times);
      if (server.p50 > 1_000) {
        // Seconds per request on one event loop: more in flight would only queue (and take minutes).
        rows.push([
          spec.label,
          `${fmt(server.p50, 2)} / ${fmt(server.p99, 2)} ms (${fmt(server.count)})`,
          `not measured: at most ≈ ${fmt(1000 / server.p50, 2)} req/s`,
          '—',
        ]);
        metrics[`q${index}P50`] = server.p50;
        metrics[`q${index}P99`] = server.p99;
        continue;
      }
      if (spec.firstTimes) {
        // Under load the terms would be searched again: what the rows above measure.
        rows.push([spec.label, `${fmt(server.p50, 2)} / ${fmt(server.p99, 2)} ms (${fmt(server.count)})`, '—', '—']);
        metrics[`q${index}P50`] = server.p50;
        metrics[`q${index}P99`] = server.p99;
        phase.stop();
        continue;
      }
      // A slow query with many in flight would only queue behind itself on the one event loop, for a long time.
      const concurrency = server.p50 > 200 ? Math.min(2, sizes.concurrency) : sizes.concurrency;
      const load = await runLoad({
        kind: 'http',
        baseUrl: app.baseUrl,
        requests: [
          {
            path: '/graphql',
            body: JSON.stringify({ query: spec.query, variables: spec.variables }),
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          },
        ],
        concurrency,
        durationSeconds: sizes.loadSeconds,
        maxRequests: 1_000_000,
        graphql: true,
      });
      if (load.failures > 0)
        throw new Error(`${spec.label}: ${load.failures} failed requests (first: ${load.firstFailure})`);
      rows.push([
        spec.label,
        `${fmt(server.p50, 2)} / ${fmt(server.p99, 2)} ms (${fmt(server.count)})`,
        `${fmt(load.perSecond)} req/s${concurrency !== sizes.concurrency ? ` (${concurrency} in flight)` : ''}`,
        `${fmt(load.latencyMs.p50, 1)} / ${fmt(load.latencyMs.p99, 1)} ms`,
      ]);
      metrics[`q${index}P50`] = server.p50;
      metrics[`q${index}P99`] = server.p99;
      metrics[`q${index}Rps`] = load.perSecond;
      const phasePeak = phase.stop();
      if (phasePeak.rssMiB > peakPhase.rssMiB)
        peakPhase = { label: spec.label.split(':')[0], rssMiB: phasePeak.rssMiB };
    }
    // What the service keeps, as opposed to what a burst of requests left for the collector (needs --expose-gc).
    const collect = (globalThis as { gc?: () => void }).gc;
    if (collect) {
      collect();
      retained = currentMemory();
    }
  } finally {
    peak = memory.stop();
    await app.close();
  }
  metrics.peakRssMiB = peak.rssMiB;
  metrics.peakHeapMiB = peak.heapUsedMiB;
  metrics.baselineRssMiB = baseline.rssMiB;
  if (retained) {
    metrics.retainedRssMiB = retained.rssMiB;
    metrics.retainedHeapMiB = retained.heapUsedMiB;
  }
  metrics.tickets = amplified.tickets;
  metrics.bootSeconds = bootSeconds;
  const markdown = [
    `Read model: ${fmt(amplified.tickets)} tickets in one portal — the ${fmt(amplified.projected)} tickets the rebuild above projected from`,
    `${fmt(info.events)} events, copied ${fmt(amplified.copies)} times with new ids (their ${fmt(amplified.searchRows)} search rows too) in`,
    `${fmt(amplified.seconds, 1)} s, because projecting a million tickets from events (≈ 16 million events) does not fit the time budget.`,
    `The service was then started on that data (${fmt(bootSeconds, 1)} s until every projection was live).`,
    '',
    markdownTable(
      [
        'Query (agent token)',
        'Server-side p50 / p99 (requests)',
        `Throughput, ${sizes.concurrency} in flight`,
        'Client p50 / p99',
      ],
      rows,
    ),
    '',
    "- `totalCount` and `ticketCount` are counted only when asked for: from the ticket list's maintained counts (per portal, status,",
    '  owner and latest-message direction) for the default views, up to 1,000 ticket rows otherwise (the search).',
    '- Server-side: Fastify `inject`, one request at a time: routing, auth, validation, cost limits, resolvers, SQL and',
    '  serialisation, without a socket. Throughput: a separate client process over loopback, closed loop, with the',
    '  per-portal GraphQL rate limit switched off (`GRAPHQL_RATE_LIMIT=0`; its default, 50/s, would be measured instead).',
    `- Peak memory of the process running the service during the queries: RSS ${fmt(peak.rssMiB)} MiB, V8 heap ${fmt(peak.heapUsedMiB)} MiB`,
    `  (before the service started: RSS ${fmt(baseline.rssMiB)} MiB); the highest RSS came during the load of "${peakPhase.label}".` +
      (retained
        ? ` After serving, once a full GC ran: RSS ${fmt(retained.rssMiB)} MiB, V8 heap ${fmt(retained.heapUsedMiB)} MiB.`
        : ''),
  ].join('\n');
  return {
    id: 'queries',
    title: `Scenario 4 — GraphQL queries at ${fmt(amplified.tickets)} tickets`,
    markdown,
    metrics,
  };
}
