import type { ChangeContact, CreateContact } from '@helpdesk/domain';
import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { sql } from 'kysely';
import { rebuildProjection } from '../core/blue-green-rebuild.js';
import { ProjectionRunner } from '../core/projection-runner.js';
import { physicalTableName } from '../core/projection.js';
import { type ReadDatabase, isPostgres, textIndexName } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { countTickets, listTickets, ticketListProjection } from '../ticket-list/index.js';
import { snapshotTextIndexes } from '../core/text-index.js';
import { SearchTermError, textMatchesQuery, ticketSearchCondition } from './search-tickets.js';
import { SEARCH_MESSAGES, searchProjection } from './search.projection.js';

const { portalId } = helpdesk;
const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const adaPhone = '+33612345678';
const bobPhone = '+4915112345678';

describe.each(readStoresUnderTest())('search read model on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(searchProjection, readStoreUnderTest, { connectedAt });
  let ticketList: ProjectionRunner;

  // Search narrows the ticket list, so it runs beside the search read model.
  beforeEach(async () => {
    ticketList = new ProjectionRunner(t.world.store, t.db, ticketListProjection);
    await ticketList.start();
  });
  afterEach(() => ticketList.stop());

  async function caughtUp(): Promise<void> {
    await t.caughtUp();
    for await (const last of t.world.store.readAll({ direction: 'backwards', maxCount: 1 }))
      await ticketList.whenCaughtUp(last.position);
  }
  /** The contact phones of the tickets found, newest first; `rareHits: 0` takes the common-term path. */
  const found = async (term: string, portal = portalId, rareHits?: number) =>
    (
      await listTickets(t.db, {
        portalId: portal,
        matching: [await ticketSearchCondition(t.db, portal, term, rareHits)],
      })
    ).tickets.map((ticket) => ticket.contactPhone);
  /** Both paths, rare (named by the text index) and common (checked ticket by ticket), give the same answer. */
  const foundEither = async (term: string, portal = portalId) => {
    const rare = await found(term, portal);
    expect(await found(term, portal, 0)).toEqual(rare);
    return rare;
  };
  /** Another portal with copies of this portal's tickets and search rows: the same words, other ids. */
  async function copyToAnotherPortal(other: string): Promise<void> {
    const copy = async (table: string, columns: readonly string[]) => {
      const rest = columns.filter((column) => column !== 'portal_id');
      const list = rest.map((column) => `"${column}"`).join(', ');
      const values = rest.map((column) => (column.endsWith('_id') ? `"${column}" || '~g'` : `"${column}"`)).join(', ');
      const document = `replace(document, '"portalId":"${portalId}"', '"portalId":"${other}"')`;
      await sql
        .raw(
          `INSERT INTO "${table}" (id, document, portal_id, ${list}) SELECT id || '~g', ${document}, '${other}', ${values} FROM "${table}" WHERE portal_id = '${portalId}'`,
        )
        .execute(t.db);
    };
    const [tickets] = ticketListProjection.tables;
    await copy(physicalTableName(ticketListProjection, tickets.name), Object.keys(tickets.columns));
    for (const table of searchProjection.tables.slice(0, 2))
      await copy(physicalTableName(searchProjection, table.name), Object.keys(table.columns));
  }
  const receive = (wamid: string, from: string, body: string) =>
    t.world.receive({
      ...inboundMessage(wamid, t.world.clock.now().toISOString(), from),
      content: { kind: 'text', body },
    });
  const contacts = () => ({
    create: (data: CreateContact['data']) => t.world.append(t.world.history.contact({ type: 'CreateContact', data })),
    change: (data: ChangeContact['data']) => t.world.append(t.world.history.contact({ type: 'ChangeContact', data })),
  });

  beforeEach(async () => {
    t.world.clock.set(at(HOUR));
    await receive('wamid.1', adaPhone, 'My ORDER #42 is late, 50% off?');
    await receive('wamid.2', bobPhone, 'Hello, my_file is broken');
    await contacts().create({ contactId: 'c-ada', name: 'Ada Lovelace', mobilePhoneNumber: adaPhone });
  });

  it('finds tickets by message text, in any case, and by replies and templates sent', async () => {
    await t.world.append(
      t.world.history.reply(conversationOf(bobPhone), { kind: 'text', body: 'Try the Reinstall' }),
      t.world.history.sendTemplate(conversationOf(adaPhone), {
        name: 'order_ready',
        language: 'en_US',
        parameters: { body: ['Ada', 'Z-9'] },
      }),
    );
    await caughtUp();
    expect(await foundEither('order #42')).toEqual([adaPhone]);
    expect(await foundEither('HELLO')).toEqual([bobPhone]);
    expect(await foundEither('reinstall')).toEqual([bobPhone]);
    expect(await foundEither('z-9')).toEqual([adaPhone]);
    expect(await foundEither('nothing like this')).toEqual([]);
  });

  it("finds tickets by the contact's name, renamed too, and by its number in any spelling", async () => {
    await caughtUp();
    expect(await foundEither('lovelace')).toEqual([adaPhone]);
    await contacts().change({ contactId: 'c-ada', name: 'Ada King' });
    await caughtUp();
    expect(await foundEither('lovelace')).toEqual([]);
    expect(await foundEither('ada k')).toEqual([adaPhone]);
    expect(await foundEither('+49 151 1234')).toEqual([bobPhone]);
    expect(await foundEither('06 12 34 56 78')).toEqual([adaPhone]);
    expect(await foundEither('345')).toEqual([adaPhone, bobPhone]);
  });

  it('finds a word in many tickets, newest first, pages and counts them, by the index or ticket by ticket', async () => {
    // The ticket list orders by when the store recorded the last event (the wall clock, not the test
    // clock): two receives in one millisecond would tie, and ties go by ticket id, which is random.
    const nextMillisecond = async () => {
      const now = Date.now();
      while (Date.now() === now) await new Promise((resolve) => setImmediate(resolve));
    };
    for (let n = 0; n < 6; n++) {
      t.world.clock.set(at(2 * HOUR + n * 60_000));
      await nextMillisecond();
      await receive(`wamid.r${n}`, `+336000000${n}0`, n % 2 ? `Refund please (${n})` : `no REFUND yet ${n}`);
    }
    // A second match in one ticket: still one ticket, counted once.
    t.world.clock.set(at(3 * HOUR));
    await nextMillisecond();
    await receive('wamid.r6', '+33600000000', 'refund? again');
    await caughtUp();
    const phones = [0, 5, 4, 3, 2, 1].map((n) => `+336000000${n}0`);
    expect(await foundEither('refund')).toEqual(phones);
    for (const rareHits of [undefined, 0]) {
      const matching = [await ticketSearchCondition(t.db, portalId, 'refund', rareHits)];
      const first = await listTickets(t.db, { portalId, matching }, 4);
      const rest = await listTickets(t.db, { portalId, matching }, 4, first.endCursor!);
      expect([...first.tickets, ...rest.tickets].map((ticket) => ticket.contactPhone)).toEqual(phones);
      expect(rest.endCursor).toBeNull();
      expect(await countTickets(t.db, { portalId, matching })).toEqual({ count: 6, capped: false });
      expect(await countTickets(t.db, { portalId, status: ['closed'], matching })).toEqual({ count: 0, capped: false });
    }
  });

  it('refuses a term of fewer than 3 characters or more than 200, reading nothing', async () => {
    await caughtUp();
    for (const term of ['12', 'ab', ' a ', '  ', 'x'.repeat(201)])
      await expect(ticketSearchCondition(t.db, portalId, term)).rejects.toThrow(SearchTermError);
    await expect(ticketSearchCondition(t.db, portalId, 'ab')).rejects.toThrow('at least 3 characters');
    expect(await foundEither('  my_ ')).toEqual([bobPhone]);
    expect(await foundEither('x'.repeat(200))).toEqual([]);
  });

  it('takes quotes, FTS5 operators and column filters literally', async () => {
    const writer = '+33700000000';
    await receive('wamid.3', writer, 'He said "refund" OR NEAR(late, soon) col:text_key ^start a*b -x');
    await caughtUp();
    expect(await foundEither('"refund" or near(')).toEqual([writer]);
    expect(await foundEither('said "refund"')).toEqual([writer]);
    expect(await foundEither('col:text_key ^st')).toEqual([writer]);
    expect(await foundEither('a*b')).toEqual([writer]);
    for (const attempt of [
      'hello OR order',
      'hello order',
      '"hello" OR "order"',
      'NEAR(hello order)',
      'hel*',
      'text_key:hello',
      '{text_key}: hello',
      '^hello',
      'hello"',
      '"'.repeat(3),
      '"'.repeat(4),
      'hello -order',
      "'; DROP TABLE x; --",
      '%%%',
      '___',
      '!%_',
    ])
      expect([attempt, await foundEither(attempt)]).toEqual([attempt, []]);
    expect(await foundEither('hello')).toEqual([bobPhone]);
  });

  it('takes % and _ literally', async () => {
    await caughtUp();
    expect(await foundEither('50%')).toEqual([adaPhone]);
    expect(await foundEither('5%f')).toEqual([]);
    expect(await foundEither('my_file')).toEqual([bobPhone]);
    expect(await foundEither('my_f_le')).toEqual([]);
  });

  it('never finds quarantined content, and never another portal', async () => {
    const [message] = (await t.world.eventsOf(`conversation-${conversationOf(adaPhone)}`)).filter(
      (event) => event.type === 'InboundMessageReceived',
    );
    await t.world.append(
      t.world.history.quarantine(
        conversationOf(adaPhone),
        (message.data as { messageId: string }).messageId,
        'phishing',
      ),
    );
    await caughtUp();
    expect(await foundEither('order')).toEqual([]);
    expect(await foundEither('lovelace')).toEqual([adaPhone]);
    expect(await foundEither('hello', 'globex')).toEqual([]);
    const rows = await t.db.selectFrom(physicalTableName(searchProjection, 'messages')).select('document').execute();
    expect(JSON.stringify(rows)).not.toMatch(/ORDER/i);
  });

  it("never finds another portal's tickets holding the same words", async () => {
    await caughtUp();
    await copyToAnotherPortal('globex');
    for (const term of ['hello', 'order #42', 'lovelace', '+49 151 1234']) {
      for (const [portal, other] of [
        [portalId, 'globex'],
        ['globex', portalId],
      ]) {
        for (const rareHits of [undefined, 0]) {
          const matching = [await ticketSearchCondition(t.db, portal, term, rareHits)];
          const { tickets } = await listTickets(t.db, { portalId: portal, matching });
          expect([term, tickets.map((ticket) => ticket.portalId)]).toEqual([term, [portal]]);
          expect(tickets.map((ticket) => ticket.portalId)).not.toContain(other);
        }
      }
    }
    expect(await foundEither('hello', 'initech')).toEqual([]);
  });

  it('asks the text index, not every row, for a term', async () => {
    await caughtUp();
    const messages = physicalTableName(searchProjection, SEARCH_MESSAGES);
    const probe = textMatchesQuery(t.db, messages, 'text_key', 'ticket_id', 'order "#42" or *').compile();
    if (isPostgres(t.db)) {
      // A table of three rows is read whole whatever the indexes: forbid that, to see the index serve the query.
      const plan = await t.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const { rows } = await trx.executeQuery({ ...probe, sql: `EXPLAIN ${probe.sql}` });
        return rows.map((row) => Object.values(row as object)[0] as string).join('\n');
      });
      expect(plan).toContain(textIndexName(messages, 'text_key'));
      expect(plan).not.toMatch(/Seq Scan/);
    } else {
      const { rows } = await t.db.executeQuery({ ...probe, sql: `EXPLAIN QUERY PLAN ${probe.sql}` });
      const plan = rows.map((row) => (row as { detail: string }).detail).join('\n');
      expect(plan).toMatch(new RegExp(`SCAN ${textIndexName(messages, 'text_key')} VIRTUAL TABLE INDEX \\d+:M`));
      expect(plan).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan).not.toMatch(/SCAN r\b/);
    }
  });

  it('keeps the text index in step with contact renames and a blue/green rebuild', async () => {
    await contacts().change({ contactId: 'c-ada', name: 'Ada King' });
    await receive('wamid.3', adaPhone, 'Another refund question');
    await caughtUp();
    const answers = async () =>
      Promise.all(['order #42', 'hello', 'lovelace', 'ada king', 'refund'].map((term) => foundEither(term)));
    const live = await answers();
    expect(live).toEqual([[adaPhone], [bobPhone], [], [adaPhone], [adaPhone]]);
    const outcome = await rebuildProjection(t.world.store, t.db, searchProjection);
    expect(outcome.state).toBe('switched');
    expect(await answers()).toEqual(live);
    // The switched-in tables keep their index in step with what happens next.
    await receive('wamid.4', bobPhone, 'A refund for Bob too');
    await caughtUp();
    expect(await foundEither('refund')).toEqual([bobPhone, adaPhone]);
  });

  it('gives the same rows when rebuilt from history as live', async () => {
    await contacts().change({ contactId: 'c-ada', name: 'Ada King' });
    await caughtUp();
    const everything = async (db: ReadDatabase) => {
      const tables = searchProjection.tables.map((table) => physicalTableName(searchProjection, table.name));
      return Promise.all(tables.map((table) => db.selectFrom(table).selectAll().orderBy('id').execute()));
    };
    const live = await everything(t.db);
    expect(live[0]).toHaveLength(2);
    expect(await t.rebuilt(everything)).toEqual(live);
    // The text indexes too: filled row by row live, in one pass before the switch by a blue/green rebuild.
    const indexed = await snapshotTextIndexes(t.db, searchProjection);
    expect(Object.keys(indexed)).toEqual(['messages.text_key', 'contacts.name_key']);
    expect(indexed['messages.text_key'].map((entry) => entry.id)).toEqual(live[0].map((row) => row.id));
    expect(indexed['contacts.name_key']).toHaveLength(1);
    expect(await t.rebuilt((db) => snapshotTextIndexes(db, searchProjection))).toEqual(indexed);
    await rebuildProjection(t.world.store, t.db, searchProjection);
    expect(await snapshotTextIndexes(t.db, searchProjection)).toEqual(indexed);
    expect(await everything(t.db)).toEqual(live);
  });
});
