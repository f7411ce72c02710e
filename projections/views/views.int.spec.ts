import { randomUUID } from 'node:crypto';
import { DEFAULT_VIEWS, VIEW_LIMITS, type ViewFilter, viewStreamName } from '@helpdesk/domain';
import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { ProjectionRunner } from '../core/projection-runner.js';
import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { type TicketCondition, countTickets, listTickets, ticketListProjection } from '../ticket-list/index.js';
import { getVisibleView, listVisibleViews } from './list-views.reader.js';
import { viewTicketConditions } from './view-tickets.reader.js';
import { secondAccount, viewCommands } from './views.test-world.js';
import { viewsProjection } from './views.projection.js';

const { portalId } = helpdesk;
const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const otherPhone = '+33699999999';
const viewer = (userId: string, teamId: string | null = null) => ({ portalId, userId, teamId });

describe.each(readStoresUnderTest())('views read model on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(viewsProjection, readStoreUnderTest, { connectedAt });
  let ticketList: ProjectionRunner;
  const commands = () => viewCommands(t.world);

  // View conditions filter the ticket list's table, so it runs beside the views read model.
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
  const count = async (filters: readonly ViewFilter[], userId = 'agent-1', also: TicketCondition[] = []) =>
    (
      await countTickets(t.db, {
        portalId,
        matching: [...viewTicketConditions(filters, { portalId, userId }), ...also],
      })
    ).count;
  // Always true, but not on a counted column: the same view counted from the ticket rows themselves.
  const fromRows: TicketCondition = { counted: false, where: (eb) => eb('created_at', 'is not', null) };
  const defaultView = (viewId: string) => DEFAULT_VIEWS.find((view) => view.viewId === viewId)!.filters;
  const ticketOf = async (phone: string) =>
    (await listTickets(t.db, { portalId, contactPhone: phone })).tickets[0].ticketId;

  it('keeps custom views with their sharing, changes and deletion, and shows each to whom it is shared with', async () => {
    const filters: ViewFilter[] = [{ field: 'status', anyOf: ['open'] }];
    await commands().create('anna', { viewId: 'mine', name: 'Mine', sharing: 'only_me', filters });
    await commands().create('anna', { viewId: 'team', name: 'team nl', sharing: 'my_team', teamId: 'nl', filters });
    await commands().create('bob', { viewId: 'all', name: 'All WhatsApp', sharing: 'everyone', filters });
    await commands().create('bob', { viewId: 'gone', name: 'Gone', sharing: 'everyone', filters });
    await commands().change('anna', {
      viewId: 'mine',
      actorRole: 'agent',
      name: 'Anna only',
      filters: [{ field: 'status', anyOf: ['closed'] }],
    });
    await commands().remove('bob', 'gone');
    await t.caughtUp();

    const names = async (userId: string, teamId: string | null) =>
      (await listVisibleViews(t.db, viewer(userId, teamId))).map((view) => view.name);
    expect(await names('anna', null)).toEqual(['All WhatsApp', 'Anna only', 'team nl']);
    expect(await names('carl', 'nl')).toEqual(['All WhatsApp', 'team nl']);
    expect(await names('dora', 'de')).toEqual(['All WhatsApp']);
    expect(await getVisibleView(t.db, viewer('anna'), 'mine')).toMatchObject({
      viewId: 'mine',
      creatorId: 'anna',
      sharing: 'only_me',
      teamId: null,
      filters: [{ field: 'status', anyOf: ['closed'] }],
    });
    expect(await getVisibleView(t.db, viewer('bob'), 'mine')).toBeNull();
    expect(await getVisibleView(t.db, viewer('bob'), 'gone')).toBeNull();
    expect(await getVisibleView(t.db, { ...viewer('anna'), portalId: 'globex' }, 'mine')).toBeNull();
  });

  it('lists at most the portal limit of custom views, even of a history from before the limit', async () => {
    const created = (i: number) => ({
      id: randomUUID(),
      type: 'ViewCreated',
      data: {
        viewId: `old-${i}`,
        portalId,
        creatorId: 'anna',
        name: `Old ${String(i).padStart(3, '0')}`,
        sharing: 'everyone',
        teamId: null,
        filters: [],
        createdAt: connectedAt,
      },
    });
    for (let i = 0; i <= VIEW_LIMITS.perPortal; i++)
      await t.world.store.append(viewStreamName(portalId, `old-${i}`), [created(i)], 'no_stream');
    await t.caughtUp();

    const listed = await listVisibleViews(t.db, viewer('bob'));
    expect(listed).toHaveLength(VIEW_LIMITS.perPortal);
    expect(listed[VIEW_LIMITS.perPortal - 1].name).toBe(`Old ${VIEW_LIMITS.perPortal - 1}`);
  });

  it("counts each default view's tickets, following replies, assignment and closing", async () => {
    t.world.clock.set(at(HOUR));
    await t.world.receive(inboundMessage('wamid.1', at(HOUR)));
    await t.world.receive(inboundMessage('wamid.2', at(HOUR + 1000), otherPhone));
    await caughtUp();
    const counts = async (userId = 'agent-1', also: TicketCondition[] = []) =>
      Object.fromEntries(
        await Promise.all(DEFAULT_VIEWS.map(async (view) => [view.viewId, await count(view.filters, userId, also)])),
      );
    expect(await counts()).toEqual({ 'all-open': 2, 'all-closed': 0, unassigned: 2, 'assigned-to-me': 0, sent: 0 });

    await t.world.append(t.world.history.reply(conversationOf(), { kind: 'text', body: 'On it' }));
    await commands().assign(await ticketOf(otherPhone), 'agent-1', otherPhone);
    await caughtUp();
    expect(await counts()).toEqual({ 'all-open': 2, 'all-closed': 0, unassigned: 1, 'assigned-to-me': 1, sent: 1 });
    expect(await counts('agent-1', [fromRows])).toEqual(await counts());
    expect(await count(defaultView('assigned-to-me'), 'agent-2')).toBe(0);

    await commands().close(await ticketOf(otherPhone), otherPhone);
    await caughtUp();
    expect(await counts()).toEqual({ 'all-open': 1, 'all-closed': 1, unassigned: 1, 'assigned-to-me': 0, sent: 1 });
    expect(await counts('agent-1', [fromRows])).toEqual(await counts());
  });

  it('filters by channel type, account, business number, contact and owner', async () => {
    await commands().connectSecondAccount();
    t.world.clock.set(at(HOUR));
    await t.world.receive(inboundMessage('wamid.1', at(HOUR)));
    await t.world.receive({
      ...inboundMessage('wamid.2', at(HOUR), otherPhone),
      phoneNumberId: secondAccount.phoneNumberId,
    });
    await caughtUp();

    expect(await count([{ field: 'sourceChannelType', anyOf: ['whatsapp', 'email'] }])).toBe(2);
    expect(await count([{ field: 'sourceChannelType', anyOf: ['email'] }])).toBe(0);
    expect(await count([{ field: 'accountId', anyOf: [secondAccount.accountId] }])).toBe(1);
    expect(await count([{ field: 'accountId', anyOf: ['account-1', secondAccount.accountId] }])).toBe(2);
    expect(await count([{ field: 'phoneNumber', anyOf: [secondAccount.businessPhone] }])).toBe(1);
    expect(await count([{ field: 'contactId', anyOf: ['nobody'] }])).toBe(0);
    expect(await count([{ field: 'owner', anyOf: [{ kind: 'unassigned' }, { kind: 'user', userId: 'x' }] }])).toBe(2);
    expect(
      await count([
        { field: 'status', anyOf: ['open'] },
        { field: 'accountId', anyOf: ['account-1'] },
      ]),
    ).toBe(1);
    expect((await countTickets(t.db, { portalId: 'globex' })).count).toBe(0);
  });

  it('counts account, number and contact views from maintained counts, equal to counting the rows, as tickets move', async () => {
    const adasPhone = '+33600000003';
    await commands().connectSecondAccount();
    await t.world.append(
      t.world.history.contact({
        type: 'CreateContact',
        data: { contactId: 'contact-1', name: 'Ada', phoneNumber: adasPhone },
      }),
    );
    t.world.clock.set(at(HOUR));
    await t.world.receive(inboundMessage('wamid.1', at(HOUR)));
    await t.world.receive({
      ...inboundMessage('wamid.2', at(HOUR), otherPhone),
      phoneNumberId: secondAccount.phoneNumberId,
    });
    await t.world.receive(inboundMessage('wamid.3', at(HOUR + 1000), adasPhone));
    await caughtUp();
    const views: ViewFilter[][] = [
      [{ field: 'accountId', anyOf: [secondAccount.accountId] }],
      [
        { field: 'accountId', anyOf: ['account-1'] },
        { field: 'status', anyOf: ['open'] },
      ],
      [
        { field: 'accountId', anyOf: ['account-1'] },
        { field: 'owner', anyOf: [{ kind: 'current_user' }] },
      ],
      [
        { field: 'phoneNumber', anyOf: [secondAccount.businessPhone] },
        { field: 'status', anyOf: ['open'] },
      ],
      [{ field: 'contactId', anyOf: ['contact-1', 'nobody'] }],
      [
        { field: 'contactId', anyOf: ['contact-1'] },
        { field: 'accountId', anyOf: ['account-1'] },
      ],
      [
        { field: 'contactId', anyOf: ['contact-1'] },
        { field: 'lastMessageDirection', anyOf: ['inbound'] },
        { field: 'status', anyOf: ['closed'] },
      ],
    ];
    const counts = (also: TicketCondition[] = []) =>
      Promise.all(views.map((filters) => count(filters, 'agent-1', also)));
    expect(await counts()).toEqual([1, 2, 0, 1, 1, 1, 0]);
    expect(await counts([fromRows])).toEqual(await counts());

    await commands().assign(await ticketOf(adasPhone), 'agent-1', adasPhone);
    await commands().close(await ticketOf(adasPhone), adasPhone);
    await caughtUp();
    expect(await counts()).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(await counts([fromRows])).toEqual(await counts());
  });

  it('gives the same rows when rebuilt from history as live', async () => {
    await commands().create('anna', { viewId: 'v', name: 'V', sharing: 'my_team', teamId: 'nl', filters: [] });
    await commands().change('anna', { viewId: 'v', actorRole: 'agent', sharing: 'everyone' });
    await commands().create('anna', { viewId: 'w', name: 'W', sharing: 'only_me', filters: [] });
    await commands().remove('anna', 'w');
    t.world.clock.set(at(HOUR));
    await t.world.receive(inboundMessage('wamid.1', at(HOUR)));
    await t.world.append(t.world.history.reply(conversationOf(), { kind: 'text', body: 'Hi' }));
    await t.caughtUp();
    const everything = async (db: ReadDatabase) => {
      const tables = viewsProjection.tables.map((table) => physicalTableName(viewsProjection, table.name));
      return Promise.all(tables.map((table) => db.selectFrom(table).selectAll().orderBy('id').execute()));
    };
    const live = await everything(t.db);
    expect(live[0]).toHaveLength(1);
    expect(await t.rebuilt(everything)).toEqual(live);
  });
});
