import { ExpiringEntries } from './expiring-entries.js';
import { sql } from 'kysely';
import type { ReadStore } from '@helpdesk/read-store';
import { DocumentStatements } from './document-statements.js';
import { type Projection, liveTableNames, physicalTableName } from './projection.js';
import {
  type ReadDatabase,
  createProjectionTables,
  dropProjectionTables,
  ensureProjectionTables,
  isPostgres,
  renameProjectionTable,
  tableExists,
  textIndexName,
} from './read-model-schema.js';
import { readStoresUnderTest } from './read-stores-under-test.js';
import {
  countTrigramRows,
  estimateTrigrams,
  likeContains,
  rowidSpan,
  snapshotTextIndexes,
  textCandidates,
} from './text-index.js';
import { TrigramStats } from './trigram-stats.js';

interface Note {
  readonly text: string | null;
}

const plain: Projection = {
  name: 'notes',
  version: 1,
  eventTypes: [],
  tables: [{ name: 'notes', columns: { text_key: 'text' }, indexes: [] }],
  columnsOf: (entry) => ({ text_key: (entry.document as Note).text }),
  project: async () => undefined,
};
const indexed: Projection = { ...plain, tables: [{ ...plain.tables[0], textIndexes: ['text_key'] }] };
const notes = physicalTableName(plain, 'notes');

describe.each(readStoresUnderTest())('a text index declared on a projection table on $name', (readStoreUnderTest) => {
  let readStore: ReadStore;
  let dispose: () => Promise<void>;
  let db: ReadDatabase;

  beforeEach(async () => {
    ({ readStore, dispose } = await readStoreUnderTest.open());
    db = readStore.db;
  });
  afterEach(() => dispose());

  const put = (table: string, rows: [string, string | null][]) =>
    new DocumentStatements(db, indexed, () => table).upsert(
      db,
      'notes',
      rows.map(([id, text]) => [id, { text }]),
    );
  const remove = (table: string, id: string) =>
    new DocumentStatements(db, indexed, () => table).delete(db, 'notes', id);
  const containing = async (term: string, table = notes) =>
    (
      await db
        .selectFrom(`${table} as r`)
        .select('r.id')
        .where(textCandidates(db, table, 'text_key', term, { alias: 'r' }))
        .where(likeContains('r.text_key', term))
        .orderBy('r.id')
        .execute()
    ).map((row) => row.id as string);

  it('indexes the rows of a table made before it was declared, then keeps in step with upserts and deletes', async () => {
    await ensureProjectionTables(db, plain);
    await put(notes, [
      ['a', 'refund please'],
      ['b', 'hello'],
      ['c', null],
    ]);
    await ensureProjectionTables(db, indexed);
    expect(await containing('refund')).toEqual(['a']);
    await put(notes, [
      ['b', 'a refund too'],
      ['a', 'changed'],
      ['d', 'refunded'],
    ]);
    await remove(notes, 'd');
    expect(await containing('refund')).toEqual(['b']);
    expect(await containing('chang')).toEqual(['a']);
    expect(await containing('hello')).toEqual([]);
    expect(Object.values(await snapshotTextIndexes(db, indexed))[0].map((entry) => entry.id)).toEqual(['a', 'b']);
    // Declared twice, indexed once.
    await ensureProjectionTables(db, indexed);
    expect(await containing('refund')).toEqual(['b']);
  });

  it('follows its table through a rename and goes when the table is dropped', async () => {
    const staging = (table: string) => `${liveTableNames(indexed)(table)}_b1`;
    await createProjectionTables(db, indexed, staging, false);
    await put(staging('notes'), [['a', 'filled before the index']]);
    await createProjectionTables(db, indexed, liveTableNames(indexed));
    // Dropped by hand, its SQLite text index left behind: a table made again must not inherit it.
    await sql`DROP TABLE ${sql.table(notes)}`.execute(db);
    await createProjectionTables(db, indexed, liveTableNames(indexed));
    expect(await containing('before')).toEqual([]);
    await sql`DROP TABLE ${sql.table(notes)}`.execute(db);
    // As a rebuild does: indexed once filled, then renamed into place.
    await createProjectionTables(db, indexed, staging);
    expect(await containing('before', staging('notes'))).toEqual(['a']);
    await renameProjectionTable(db, indexed.tables[0], staging('notes'), notes);
    await put(notes, [['b', 'written after the switch']]);
    expect(await containing('the')).toEqual(['a', 'b']);
    if (!isPostgres(db)) {
      expect(await tableExists(db, textIndexName(notes, 'text_key'))).toBe(true);
      expect(await tableExists(db, textIndexName(staging('notes'), 'text_key'))).toBe(false);
    } else {
      // Started again on the switched-in table: its one trigram index is found, not made a second time.
      await ensureProjectionTables(db, indexed);
      const { rows } = await sql<{
        indexname: string;
      }>`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ${notes} AND indexdef LIKE '%gin_trgm_ops%'`.execute(
        db,
      );
      expect(rows.map((row) => row.indexname)).toEqual([textIndexName(notes, 'text_key')]);
    }
    await dropProjectionTables(db, indexed, liveTableNames(indexed));
    expect(await tableExists(db, notes)).toBe(false);
    expect(await tableExists(db, textIndexName(notes, 'text_key'))).toBe(false);
  });

  it('counts the rows of a trigram below the sample and estimates a commoner one from the sample’s rowid span (SQLite)', async () => {
    if (isPostgres(db)) return; // PostgreSQL's GIN index is read whole: nothing is estimated
    await ensureProjectionTables(db, indexed);
    // 'refund' in every second row of 2,000, evenly; 'zq7' in three.
    const rows = Array.from({ length: 2_000 }, (_, n): [string, string] => [
      `n-${String(n).padStart(4, '0')}`,
      n % 2 === 0 ? `refund ${n}` : n % 700 === 1 ? `code zq7 ${n}` : `hello ${n}`,
    ]);
    for (let start = 0; start < rows.length; start += 500) await put(notes, rows.slice(start, start + 500));
    let pauses = 0;
    const options = { sample: 50, probes: 28, pause: async () => void pauses++ };
    const refund = await estimateTrigrams(db, notes, 'text_key', 'refund', options);
    expect(refund.map((estimate) => estimate.trigram)).toEqual(['ref', 'efu', 'fun', 'und']);
    for (const estimate of refund) {
      expect(estimate.exact).toBe(false);
      // 1,000 rows hold it: the estimate from 50 of them, within a few rowids' error.
      expect(estimate.docs).toBeGreaterThan(900);
      expect(estimate.docs).toBeLessThan(1_100);
    }
    // Counted exactly, no further than asked.
    expect(await countTrigramRows(db, notes, 'text_key', 'ref', 5_000)).toBe(1_000);
    expect(await countTrigramRows(db, notes, 'text_key', 'ref', 10)).toBe(10);
    // Counted below the sample; a trigram in no row ends the probes (q7x is in none, 7xy not probed).
    expect(await estimateTrigrams(db, notes, 'text_key', 'zq7xy', options)).toEqual([
      { trigram: 'zq7', docs: 3, exact: true },
      { trigram: 'q7x', docs: 0, exact: true },
    ]);
    // Nine probes, every trigram in some row: one pause, after the eighth.
    await estimateTrigrams(db, notes, 'text_key', 'refund 1000', options);
    expect(pauses).toBe(1);
  });

  it('takes what TrigramStats recalls instead of probing, and remembers what it probed (SQLite)', async () => {
    if (isPostgres(db)) return;
    await ensureProjectionTables(db, indexed);
    await put(notes, [
      ['a', 'refund please'],
      ['b', 'no refund'],
    ]);
    const stats = new TrigramStats(new ExpiringEntries(100, 60_000));
    const options = { sample: 50, probes: 28, pause: async () => undefined, stats };
    const probed = await estimateTrigrams(db, notes, 'text_key', 'refund', options);
    expect(probed.map(({ docs, exact }) => ({ docs, exact }))).toEqual(Array(4).fill({ docs: 2, exact: true }));
    expect(stats.size).toBe(4);
    // A count that is not the table's (remembered by hand) shows the trigram was not probed again.
    const high = (await rowidSpan(db, notes))!.high;
    stats.remember(notes, 'text_key', { trigram: 'efu', docs: 7, exact: true }, high);
    expect((await estimateTrigrams(db, notes, 'text_key', 'refund', options))[1]).toEqual({
      trigram: 'efu',
      docs: 7,
      exact: true,
    });
    // A row written since: the remembered count is an upper bound, one higher.
    await put(notes, [['c', 'refund again']]);
    expect((await estimateTrigrams(db, notes, 'text_key', 'refund', options))[1]).toEqual({
      trigram: 'efu',
      docs: 8,
      exact: false,
      atMost: true,
    });
  });

  it('refuses a term too short for trigrams instead of reading every row', () => {
    expect(() => textCandidates(db, notes, 'text_key', 'ab', { alias: 'r' })).toThrow(/at least 3 characters/);
  });
});
