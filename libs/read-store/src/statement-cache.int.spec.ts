import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  let database: Database.Database;
  let prepared: string[];

  let db: Kysely<any>;

  beforeEach(async () => {
    database = new Database(':memory:');
    prepared = [];
    const prepare = database.prepare.bind(database);
    database.prepare = ((text: string) => (prepared.push(text), prepare(text))) as typeof database.prepare;
    db = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(database, 3) }) });
    await sql`CREATE TABLE items (id TEXT PRIMARY KEY, label TEXT)`.execute(db);
    await db
      .insertInto('items')
      .values([
        { id: 'a', label: 'one' },
        { id: 'b', label: 'two' },
      ])
      .execute();
  });

  afterEach(() => db.destroy());

  const labelOf = async (id: string) =>
    (await db.selectFrom('items').select('label').where('id', '=', id).executeTakeFirst())?.label;

  it('prepares a statement once and answers each run with its own parameters', async () => {
    expect([await labelOf('a'), await labelOf('b'), await labelOf('nope'), await labelOf('a')]).toEqual([
      'one',
      'two',
      undefined,
      'one',
    ]);

    expect(prepared.filter((text) => text.startsWith('select "label"'))).toHaveLength(1);
  });

  it('keeps writes and reads apart: a kept insert still reports its changes, a kept select sees them', async () => {
    for (const id of ['c', 'd']) {
      const result = await db.insertInto('items').values({ id, label: id }).executeTakeFirst();
      expect(result.numInsertedOrUpdatedRows).toBe(1n);
    }
    expect(await labelOf('d')).toBe('d');
  });

  it('survives a blue/green swap: the same SQL reads the table now carrying the name', async () => {
    expect(await labelOf('a')).toBe('one');
    await sql`CREATE TABLE items_b1 (id TEXT PRIMARY KEY, label TEXT, extra TEXT)`.execute(db);
    await sql`INSERT INTO items_b1 (id, label) VALUES ('a', 'rebuilt')`.execute(db);
    await db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE items RENAME TO items_old1`.execute(trx);
      await sql`ALTER TABLE items_b1 RENAME TO items`.execute(trx);
    });
    await sql`DROP TABLE items_old1`.execute(db);

    expect(await labelOf('a')).toBe('rebuilt');
    expect(await labelOf('b')).toBeUndefined();
    expect((await db.selectFrom('items').selectAll().execute())[0]).toEqual({ id: 'a', label: 'rebuilt', extra: null });
  });

  it('fails like a fresh statement once its table is gone, and works again when it is back', async () => {
    expect(await labelOf('a')).toBe('one');
    await sql`DROP TABLE items`.execute(db);
    // Matched by message: better-sqlite3 makes its errors with the class of the first test file that loaded it (another realm).
    await expect(labelOf('a')).rejects.toMatchObject({ message: expect.stringMatching(/no such table: items/) });
    await sql`CREATE TABLE items (id TEXT PRIMARY KEY, label TEXT)`.execute(db);
    await db.insertInto('items').values({ id: 'a', label: 'again' }).execute();
    expect(await labelOf('a')).toBe('again');
  });

  it('does not hand out a statement still iterating: the same SQL meanwhile gets a statement of its own', () => {
    const cached = withStatementCache(database);
    const text = 'SELECT label FROM items ORDER BY id';
    const seen: string[] = [];
    for (const row of cached.prepare(text).iterate([]) as Iterable<{ label: string }>)
      seen.push(`${row.label}:${cached.prepare(text).all([]).length}`);
    expect(seen).toEqual(['one:2', 'two:2']);
    cached.prepare(text).all([]);
    // The kept one, then a fresh one for each row while it was busy; once free, the kept one again.
    expect(prepared.filter((sql) => sql === text)).toHaveLength(3);
  });

  it('keeps at most its capacity, dropping the least recently used', async () => {
    const texts = ['SELECT 1 AS n', 'SELECT 2 AS n', 'SELECT 3 AS n', 'SELECT 4 AS n'];
    for (const text of texts) await sql.raw(text).execute(db);
    await sql.raw(texts[3]).execute(db);
    await sql.raw(texts[0]).execute(db);
    expect(prepared.filter((text) => texts.includes(text))).toEqual([...texts, texts[0]]);
  });
});
