import { ExpiringEntries } from '../core/expiring-entries.js';
import { CompiledQuery, sql } from 'kysely';
import { ensureLiveTables } from '../core/live-tables.js';
import { physicalTableName } from '../core/projection.js';
import { type ReadDatabase, isPostgres } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { likeContains, scanSlice } from '../core/text-index.js';
import { type TicketCondition, listTickets, ticketListProjection, ticketsTable } from '../ticket-list/index.js';
import { matchingTickets } from '../ticket-list/list-tickets.reader.js';
import {
  CommonTerms,
  DEFAULT_SEARCH_BOUNDS,
  RARE_HITS,
  SearchBusyError,
  SearchGate,
  type SearchBounds,
  SearchTooBroadError,
  TrigramStats,
  ticketSearchCondition,
  underTimeout,
  yieldToEventLoop,
} from './search-tickets.js';
import { searchProjection } from './search.projection.js';

const PORTAL = 'portal-1';
const OTHER = 'portal-2';
const PHRASE = 'voucher warranty refund cancel';
const TICKETS = 1_000;

/**
 * Every word and trigram of PHRASE in hundreds of messages, the phrase itself in a few (some in
 * closed tickets, some in another portal's): with `candidateTrigramDocs` and `maxCandidates` at 50,
 * every trigram of it is too common to take its rows as candidates, so the search scans, as a term
 * whose every trigram is in most rows does at 1M tickets.
 */
function messageText(n: number): string {
  if (n % 397 === 5) return `Hello, ${PHRASE.toUpperCase()} for ${n}`;
  switch (n % 4) {
    case 0:
      return `my voucher warranty ${n} then refund cancel`;
    case 1:
      return `a warranty refund ${n} or a voucher`;
    case 2:
      return `refund cancel voucher ${n} warranty`;
    default:
      return `message ${n} about delivery`;
  }
}

async function fill(db: ReadDatabase): Promise<void> {
  for (const projection of [ticketListProjection, searchProjection]) await ensureLiveTables(db, projection, new Date());
  const messages = physicalTableName(searchProjection, 'messages');
  const at = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
  for (const portal of [PORTAL, OTHER]) {
    const tickets = Array.from({ length: TICKETS }, (_, index) => {
      const n = index + 1;
      const status = n % 4 === 0 ? 'closed' : 'open';
      return {
        id: `${portal}-t-${n}`,
        document: JSON.stringify({ ticketId: `${portal}-t-${n}`, portalId: portal, status }),
        portal_id: portal,
        conversation_id: `${portal}-conv-${n}`,
        status,
        contact_id: `c-${n}`,
        contact_phone: `+336100${String(n).padStart(5, '0')}`,
        // Ties in updated_at, so paging must order by id too.
        updated_at: at(Math.floor(n / 3)),
        created_at: at(n),
      };
    });
    for (let start = 0; start < tickets.length; start += 200)
      await db
        .insertInto(ticketsTable())
        .values(tickets.slice(start, start + 200))
        .execute();
    const rows = Array.from({ length: TICKETS * 3 }, (_, index) => ({
      id: `${portal}-m-${index + 1}`,
      document: '{}',
      portal_id: portal,
      ticket_id: `${portal}-t-${Math.floor(index / 3) + 1}`,
      text_key: messageText(index + 1 + (portal === OTHER ? 200 : 0)).toLowerCase(),
    }));
    for (let start = 0; start < rows.length; start += 200)
      await db
        .insertInto(messages)
        .values(rows.slice(start, start + 200))
        .execute();
  }
}

/** The search as it was before any index: each ticket checked with LIKE. */
function likeScan(portalId: string, term: string): TicketCondition {
  const messages = physicalTableName(searchProjection, 'messages');
  return {
    counted: false,
    where: (eb) =>
      eb.exists(
        eb
          .selectFrom(messages)
          .select(sql.lit(1).as('found'))
          .where('portal_id', '=', portalId)
          .where('ticket_id', '=', eb.ref(`${ticketsTable()}.id`))
          .where(likeContains('text_key', term)),
      ),
  };
}

/** Every page of the portal's tickets meeting `condition`, `first` at a time: ids, in order. */
async function allPages(
  db: ReadDatabase,
  condition: TicketCondition,
  first: number,
  status?: 'open',
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await listTickets(
      db,
      { portalId: PORTAL, matching: [condition], ...(status && { status: [status] }) },
      first,
      after,
    );
    ids.push(...page.tickets.map((ticket) => ticket.ticketId));
    after = page.endCursor ?? undefined;
  } while (after);
  return ids;
}

describe.each(readStoresUnderTest())('a search bounded in work and time on $name', (readStoreUnderTest) => {
  let db: ReadDatabase;
  let dispose: () => Promise<void>;
  /** Scans, in slices of 100 rowids: every trigram of PHRASE is in more than 50 rows. */
  let bounds: SearchBounds;

  beforeAll(async () => {
    const opened = await readStoreUnderTest.open();
    db = opened.readStore.db as ReadDatabase;
    dispose = opened.dispose;
    await fill(db);
  });
  afterAll(() => dispose());
  beforeEach(() => {
    bounds = {
      ...DEFAULT_SEARCH_BOUNDS,
      candidateTrigramDocs: 50,
      maxCandidates: 50,
      sliceRows: 100,
      gate: new SearchGate(1, 0),
    };
  });

  it('finds for a rare phrase of common words exactly the tickets a LIKE scan finds, in the same order and pages', async () => {
    const expected = await allPages(db, likeScan(PORTAL, PHRASE), 1_000);
    expect(expected.length).toBeGreaterThan(3);
    for (const first of [1, 2, 25]) {
      const condition = await ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, bounds);
      expect(await allPages(db, condition, first)).toEqual(expected);
      expect(await allPages(db, condition, first, 'open')).toEqual(
        (await allPages(db, likeScan(PORTAL, PHRASE), 1_000, 'open')).filter((id) => expected.includes(id)),
      );
    }
    // The default bounds (the phrase's trigrams are narrow in so few rows) and the common-term path agree.
    expect(await allPages(db, await ticketSearchCondition(db, PORTAL, PHRASE), 25)).toEqual(expected);
    expect(await allPages(db, await ticketSearchCondition(db, PORTAL, PHRASE, 0, bounds), 25)).toEqual(expected);
    // A common word, scanned too: the scan stops once it knows, and the page walk answers.
    expect(await allPages(db, await ticketSearchCondition(db, PORTAL, 'refund', 20, bounds), 50)).toEqual(
      await allPages(db, likeScan(PORTAL, 'refund'), 1_000),
    );
  });

  if (readStoreUnderTest.name === 'sqlite') {
    /** The index only: a gate that admits no scan refuses any search that would scan. */
    const indexOnly = (more: Partial<SearchBounds> = {}): SearchBounds => ({
      ...DEFAULT_SEARCH_BOUNDS,
      trigramSample: 20,
      gate: new SearchGate(0, 0),
      ...more,
    });

    it('finds a rare phrase of common words from its narrowest trigrams’ rows, without a scan, exactly as a LIKE scan', async () => {
      for (const portal of [PORTAL, OTHER]) {
        const expected = await allPages(db, likeScan(portal, PHRASE), 1_000);
        const condition = await ticketSearchCondition(db, portal, PHRASE, RARE_HITS, indexOnly());
        const found = portal === PORTAL ? await allPages(db, condition, 2) : await otherPages(condition);
        expect(found).toEqual(portal === PORTAL ? expected : await otherPages(likeScan(OTHER, PHRASE)));
        expect(found.length).toBeGreaterThan(3);
        expect(found.every((id) => id.startsWith(`${portal}-`))).toBe(true);
      }
      // A common word from the index too: past RARE_HITS of the portal's rows it is common, and the page walk answers.
      const refund = await ticketSearchCondition(db, PORTAL, 'refund', 20, indexOnly());
      expect(await allPages(db, refund, 50)).toEqual(await allPages(db, likeScan(PORTAL, 'refund'), 1_000));
    });

    it('scans instead when the narrowest trigrams name more candidate rows than it may read', async () => {
      await expect(
        ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, indexOnly({ maxCandidates: 10 })),
      ).rejects.toThrow(SearchBusyError);
      const scanned = await ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, {
        ...indexOnly({ maxCandidates: 10 }),
        gate: new SearchGate(1, 0),
      });
      expect(await allPages(db, scanned, 25)).toEqual(await allPages(db, likeScan(PORTAL, PHRASE), 1_000));
    });
  }

  /** Every page of the other portal's tickets meeting `condition`. */
  async function otherPages(condition: TicketCondition): Promise<string[]> {
    const page = await listTickets(db, { portalId: OTHER, matching: [condition] }, 1_000);
    return page.tickets.map((ticket) => ticket.ticketId);
  }

  it('answers a term found common from the verdict, per portal, until it expires: the same tickets either way', async () => {
    // The rows deleted below are restored: the transaction is rolled back.
    const rolledBack = new Error('rolled back');
    await expect(
      db.transaction().execute(async (trx) => {
        await rememberedThroughDeletes(trx);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
  });

  async function rememberedThroughDeletes(db: ReadDatabase): Promise<void> {
    let now = 0;
    const commonTerms = new CommonTerms(new ExpiringEntries(100, 60_000, () => now));
    const remembering: SearchBounds = { ...DEFAULT_SEARCH_BOUNDS, commonTerms };
    expect((await ticketSearchCondition(db, PORTAL, 'refund', 20, remembering)).byIds).toBe(false);
    expect(commonTerms.size).toBe(1);
    // All but three of each portal's refunds go: decided afresh, the word is now rare.
    const messages = physicalTableName(searchProjection, 'messages');
    for (const portal of [PORTAL, OTHER]) {
      const kept = await db
        .selectFrom(messages)
        .select('id')
        .where('portal_id', '=', portal)
        .where(likeContains('text_key', 'refund'))
        .orderBy('id')
        .limit(3)
        .execute();
      await db
        .deleteFrom(messages)
        .where('portal_id', '=', portal)
        .where(likeContains('text_key', 'refund'))
        .where(
          'id',
          'not in',
          kept.map((row) => row.id as string),
        )
        .execute();
    }
    const remembered = await ticketSearchCondition(db, PORTAL, 'refund', 20, remembering);
    expect(remembered.byIds).toBe(false);
    const expected = await allPages(db, likeScan(PORTAL, 'refund'), 1_000);
    expect(expected.length).toBeGreaterThan(0);
    expect(await allPages(db, remembered, 25)).toEqual(expected);
    // The other portal's verdict is its own: decided afresh, rare.
    const other = await ticketSearchCondition(db, OTHER, 'refund', 20, remembering);
    expect(other.byIds).toBe(true);
    const inOther = async (condition: TicketCondition) =>
      (await listTickets(db, { portalId: OTHER, matching: [condition] }, 1_000)).tickets.map(
        (ticket) => ticket.ticketId,
      );
    expect(await inOther(other)).toEqual(await inOther(likeScan(OTHER, 'refund')));
    // A minute later the verdict has expired: decided afresh, rare.
    now = 60_000;
    const fresh = await ticketSearchCondition(db, PORTAL, 'refund', 20, remembering);
    expect(fresh.byIds).toBe(true);
    expect(await allPages(db, fresh, 25)).toEqual(expected);
  }

  it('a slice of the scan reads its rowid range, not the whole portal through the portal index (SQLite)', async () => {
    if (isPostgres(db)) return; // PostgreSQL does not scan in slices
    // No ANALYZE here, as in a fresh read store: SQLite then preferred the (portal_id, ticket_id) index.
    const slice = scanSlice(
      physicalTableName(searchProjection, 'messages'),
      'text_key',
      'ticket_id',
      'refund',
      PORTAL,
      1,
      100,
      10,
    );
    const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${slice}`.execute(db);
    expect(rows.map((row) => row.detail).join(' | ')).toMatch(
      /^SEARCH \S+ USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/,
    );
  });

  it('reads the tickets a rare term names through the primary key, not by walking the portal’s (SQLite)', async () => {
    if (isPostgres(db)) return; // PostgreSQL plans with the statistics autovacuum keeps
    // No ANALYZE here, as in a fresh read store: SQLite then preferred walking the open tickets in updated_at order.
    const condition = await ticketSearchCondition(db, PORTAL, PHRASE);
    expect(condition.byIds).toBe(true);
    const page = matchingTickets(db, { portalId: PORTAL, status: ['open'], matching: [condition] })
      .select('id')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(26);
    const compiled = page.compile();
    const { rows } = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]),
    );
    expect(rows.map((row) => row.detail).join(' | ')).toMatch(
      /^SEARCH \S+ USING INDEX sqlite_autoindex_\S+ \(id=\?\) \| USE TEMP B-TREE FOR ORDER BY$/,
    );
    // A common term walks the tickets newest first, as a page should.
    expect((await ticketSearchCondition(db, PORTAL, 'refund', 20)).byIds).toBe(false);
  });

  it('never finds another portal’s tickets, though its rows hold the phrase too', async () => {
    const condition = await ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, bounds);
    expect((await allPages(db, condition, 25)).every((id) => id.startsWith(`${PORTAL}-`))).toBe(true);
  });

  if (readStoreUnderTest.name === 'sqlite') {
    it('gives the event loop back between slices: a callback queued before the search runs before it ends', async () => {
      let pauses = 0;
      const order: string[] = [];
      setImmediate(() => order.push('another request'));
      const counted = {
        ...bounds,
        pause: async () => {
          pauses++;
          await yieldToEventLoop();
        },
      };
      await ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, counted);
      order.push('search done');
      expect(order).toEqual(['another request', 'search done']);
      // 6,000 rows in slices of 100, each table probed trigram by trigram first.
      expect(pauses).toBeGreaterThanOrEqual(59);
    });

    it('refuses a search that would read more rows than its budget as too broad, having read no more', async () => {
      let pauses = 0;
      const small = { ...bounds, maxScanRows: 1_000, pause: async () => void pauses++ };
      await expect(ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, small)).rejects.toThrow(SearchTooBroadError);
      // Probes, then 10 slices of 100 rowids: the 11th would pass the budget.
      expect(pauses).toBeLessThanOrEqual(bounds.trigramProbes + 10);
      // The budget is rowids, whatever the portal: another portal is refused alike, and learns nothing.
      await expect(ticketSearchCondition(db, OTHER, PHRASE, RARE_HITS, small)).rejects.toThrow(SearchTooBroadError);
      // A term with a narrow trigram is looked up in the index: no scan, no budget.
      const found = await ticketSearchCondition(db, PORTAL, 'zebracorn', RARE_HITS, small);
      expect(await allPages(db, found, 25)).toEqual([]);
    });

    it('admits as many scans as the gate runs and queues, refuses the next as busy, and lets the queued one run after', async () => {
      let open!: () => void;
      const latch = new Promise<void>((resolve) => (open = resolve));
      const gate = new SearchGate(1, 1);
      // One trigram probed: nothing pauses before the gate, every scan parks at its first slice.
      const parked = { ...bounds, gate, trigramProbes: 1, pause: () => latch };
      const first = ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, parked);
      const second = ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, parked);
      await new Promise((resolve) => setImmediate(resolve));
      expect(gate.load).toEqual({ running: 1, waiting: 1 });
      await expect(ticketSearchCondition(db, OTHER, PHRASE, RARE_HITS, parked)).rejects.toThrow(SearchBusyError);
      // A narrow term never waits at the gate.
      await ticketSearchCondition(db, OTHER, 'zebracorn', RARE_HITS, parked);
      open();
      const expected = await allPages(db, likeScan(PORTAL, PHRASE), 1_000);
      expect(await allPages(db, await first, 25)).toEqual(expected);
      expect(await allPages(db, await second, 25)).toEqual(expected);
      expect(gate.load).toEqual({ running: 0, waiting: 0 });
    });
  } else {
    it('maps a statement PostgreSQL cancels at the timeout to SearchTooBroadError, the connection still usable', async () => {
      expect(isPostgres(db)).toBe(true);
      await expect(underTimeout(db, 20, (trx) => sql`SELECT pg_sleep(2)`.execute(trx))).rejects.toThrow(
        SearchTooBroadError,
      );
      // SET LOCAL ended with the transaction: the next statements have no timeout.
      const { rows } = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(db);
      expect(rows[0].statement_timeout).toBe('0');
      const condition = await ticketSearchCondition(db, PORTAL, PHRASE, RARE_HITS, bounds);
      expect(await allPages(db, condition, 25)).toEqual(await allPages(db, likeScan(PORTAL, PHRASE), 1_000));
    });
  }
});

describe('the candidates of a search on SQLite', () => {
  const sqlite = readStoresUnderTest().find((store) => store.name === 'sqlite');
  let db: ReadDatabase;
  let dispose: () => Promise<void>;

  /**
   * 'qqq' in the 300 oldest rows and in 5 spread over the rest: its newest 5 cover most of the
   * table, so it is estimated in about 8 rows and looks the narrowest trigram of "qqqx", though it
   * is in 306. 'qqx' is in 21, spread. Only the newest row holds "qqqx".
   */
  beforeAll(async () => {
    const opened = await sqlite!.open();
    db = opened.readStore.db as ReadDatabase;
    dispose = opened.dispose;
    for (const projection of [ticketListProjection, searchProjection])
      await ensureLiveTables(db, projection, new Date());
    const at = new Date(Date.UTC(2025, 0, 1)).toISOString();
    for (const id of ['t-1', 't-1001'])
      await db
        .insertInto(ticketsTable())
        .values({
          id,
          document: JSON.stringify({ ticketId: id, portalId: PORTAL, status: 'open' }),
          portal_id: PORTAL,
          conversation_id: `conv-${id}`,
          status: 'open',
          contact_id: `c-${id}`,
          contact_phone: '+33610000000',
          updated_at: at,
          created_at: at,
        })
        .execute();
    const messages = physicalTableName(searchProjection, 'messages');
    const text = (rowid: number) =>
      rowid === 1_001
        ? 'qqqx'
        : rowid <= 300 || [400, 600, 800, 1_000].includes(rowid)
          ? 'qqq'
          : rowid % 50 === 0
            ? 'qqx'
            : `filler ${rowid}`;
    for (let rowid = 1; rowid <= 1_001; rowid++)
      await sql`INSERT INTO ${sql.table(messages)} (rowid, id, document, portal_id, ticket_id, text_key)
        VALUES (${rowid}, ${`m-${rowid}`}, '{}', ${PORTAL}, ${`t-${rowid}`}, ${text(rowid)})`.execute(db);
  });
  afterAll(() => dispose());

  const bounds = (gate: SearchGate): SearchBounds => ({
    ...DEFAULT_SEARCH_BOUNDS,
    trigramSample: 5,
    candidateTrigramDocs: 50,
    maxCandidates: 50,
    gate,
  });

  it('counts the narrowest trigram’s rows rather than trust its estimate, and scans when they pass the bound', async () => {
    // Trusting the estimate, the candidates' walk would have read the 306 rows of 'qqq': the count stops at 51 and scans.
    await expect(ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, bounds(new SearchGate(0, 0)))).rejects.toThrow(
      SearchBusyError,
    );
    const scanned = await ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, bounds(new SearchGate(1, 0)));
    expect(scanned.byIds).toBe(true);
    // Under a higher bound the same rows are candidates enough: the index answers alike, without a scan.
    const indexed = await ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, {
      ...bounds(new SearchGate(0, 0)),
      candidateTrigramDocs: 400,
    });
    const found = async (condition: TicketCondition) =>
      (await listTickets(db, { portalId: PORTAL, matching: [condition] })).tickets.map((ticket) => ticket.ticketId);
    expect(await found(scanned)).toEqual(['t-1001']);
    expect(await found(indexed)).toEqual(['t-1001']);
  });

  it('remembers a count within the bound, and trusts it with the rows written since instead of counting again', async () => {
    const messages = physicalTableName(searchProjection, 'messages');
    const found = async (condition: TicketCondition) =>
      (await listTickets(db, { portalId: PORTAL, matching: [condition] })).tickets.map((ticket) => ticket.ticketId);
    const trigramStats = new TrigramStats(new ExpiringEntries(100, 60_000));
    // Counted under a bound it passes: not remembered as a count, so the next search counts (and scans) again.
    const over = { ...bounds(new SearchGate(1, 0)), trigramStats };
    await ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, over);
    expect(trigramStats.recall(messages, 'text_key', 'qqq', 1_001)?.exact).toBe(false);
    // Counted within the bound: remembered as the count.
    await ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, { ...over, candidateTrigramDocs: 400 });
    expect(trigramStats.recall(messages, 'text_key', 'qqq', 1_001)).toEqual({ trigram: 'qqq', docs: 305, exact: true });
    // A count remembered low (10, as if the rows of 'qqq' had been few then) is trusted, rows written since added:
    // no count, the candidates come from the index (a scan would be refused by this gate), and the new row is found.
    trigramStats.remember(messages, 'text_key', { trigram: 'qqq', docs: 10, exact: true }, 1_001);
    await sql`INSERT INTO ${sql.table(messages)} (rowid, id, document, portal_id, ticket_id, text_key)
      VALUES (1002, 'm-1002', '{}', ${PORTAL}, 't-1', 'qqqx again')`.execute(db);
    expect(trigramStats.recall(messages, 'text_key', 'qqq', 1_002)).toMatchObject({ docs: 11, atMost: true });
    const trusted = await ticketSearchCondition(db, PORTAL, 'qqqx', RARE_HITS, {
      ...bounds(new SearchGate(0, 0)),
      trigramStats,
    });
    expect(await found(trusted)).toEqual(['t-1001', 't-1']);
    await sql`DELETE FROM ${sql.table(messages)} WHERE rowid = 1002`.execute(db);
  });
});

describe('SearchGate', () => {
  it('runs `running` at once, queues `waiting` in arrival order, refuses the next, and counts a release once', async () => {
    const gate = new SearchGate(1, 2);
    const release = await gate.admit();
    const order: string[] = [];
    const queued = ['b', 'c'].map((name) => gate.admit().then((done) => (order.push(name), done)));
    await expect(gate.admit()).rejects.toThrow(SearchBusyError);
    release();
    release();
    const b = await queued[0];
    expect(order).toEqual(['b']);
    expect(gate.load).toEqual({ running: 1, waiting: 1 });
    b();
    (await queued[1])();
    expect(order).toEqual(['b', 'c']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
