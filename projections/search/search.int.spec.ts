import type { ChangeContact, CreateContact } from '@helpdesk/domain';
import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { ProjectionRunner } from '../core/projection-runner.js';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { listTickets, ticketListProjection } from '../ticket-list/index.js';
import { ticketSearchCondition } from './search-tickets.js';
import { searchProjection } from './search.projection.js';

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
  const found = async (term: string, portal = portalId) =>
    (await listTickets(t.db, { portalId: portal, matching: [ticketSearchCondition(portal, term)] })).tickets.map(
      (ticket) => ticket.contactPhone,
    );
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
    expect(await found('order #42')).toEqual([adaPhone]);
    expect(await found('HELLO')).toEqual([bobPhone]);
    expect(await found('reinstall')).toEqual([bobPhone]);
    expect(await found('z-9')).toEqual([adaPhone]);
    expect(await found('nothing like this')).toEqual([]);
  });

  it("finds tickets by the contact's name, renamed too, and by its number in any spelling", async () => {
    await caughtUp();
    expect(await found('lovelace')).toEqual([adaPhone]);
    await contacts().change({ contactId: 'c-ada', name: 'Ada King' });
    await caughtUp();
    expect(await found('lovelace')).toEqual([]);
    expect(await found('ada k')).toEqual([adaPhone]);
    expect(await found('+49 151 1234')).toEqual([bobPhone]);
    expect(await found('06 12 34 56 78')).toEqual([adaPhone]);
    expect(await found('12')).toEqual([]);
  });

  it('takes % and _ literally', async () => {
    await caughtUp();
    expect(await found('50%')).toEqual([adaPhone]);
    expect(await found('5%f')).toEqual([]);
    expect(await found('my_file')).toEqual([bobPhone]);
    expect(await found('my_f_le')).toEqual([]);
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
    expect(await found('order')).toEqual([]);
    expect(await found('lovelace')).toEqual([adaPhone]);
    expect(await found('hello', 'globex')).toEqual([]);
    const rows = await t.db.selectFrom(physicalTableName(searchProjection, 'messages')).select('document').execute();
    expect(JSON.stringify(rows)).not.toMatch(/ORDER/i);
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
  });
});
