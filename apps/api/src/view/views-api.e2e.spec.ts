import { acme, contactPhone, globex } from '../conversation/tickets.test-world.js';
import {
  CHANGE_VIEW,
  CREATE_VIEW,
  DELETE_VIEW,
  VIEWS,
  VIEW_TICKETS,
  type TicketsShown,
  type ViewShown,
  type ViewsWorld,
  openViewsWorld,
  refusal,
} from './views.test-world.js';

const VIEW =
  'query($id: ID!) { view(id: $id) { name sharing teamId filters { field values owners { kind userId } } } }';
const DEFAULT_IDS = ['all-open', 'all-closed', 'unassigned', 'assigned-to-me', 'sent'];
const openWhatsApp = [
  { field: 'SOURCE_CHANNEL_TYPE', values: ['whatsapp'] },
  { field: 'STATUS', values: ['open'] },
];

/** Views over real HTTP: live counts, a view's tickets, who sees which view, and the view mutations. */
describe('views GraphQL API', () => {
  let world: ViewsWorld;
  let anna: string;
  let ticketId: string;
  let conversationId: string;
  let opened: string;

  beforeAll(async () => {
    world = await openViewsWorld();
    anna = await world.tokenFor(acme, 'anna', 'agent', 'nl');
    opened = (await world.receiveFrom(contactPhone, 'wamid.1', 'Where is my order?')).position;
    const page = await world.ok<TicketsShown>(VIEW_TICKETS, { at: opened }, anna);
    ({ id: ticketId, conversationId } = page.nodes[0]);
  });

  afterAll(() => world.close());

  const countsOf = (views: ViewShown[]) => Object.fromEntries(views.map((view) => [view.id, view.ticketCount]));
  const create = async (token: string, input: Record<string, unknown>) =>
    world.ok<{ viewId: string; position: string }>(CREATE_VIEW, { input }, token);
  const viewIds = async (token: string) => (await world.ok<ViewShown[]>(VIEWS, {}, token)).map((view) => view.id);

  it("follows a ticket being assigned and closed in each view's count and list", async () => {
    const custom = await create(anna, { name: 'Open WhatsApp', sharing: 'EVERYONE', filters: openWhatsApp });
    const before = await world.ok<ViewShown[]>(VIEWS, { at: custom.position }, anna);
    expect(before.slice(0, 5).map((view) => [view.id, view.isDefault])).toEqual(DEFAULT_IDS.map((id) => [id, true]));
    expect(countsOf(before)).toEqual({
      'all-open': 1,
      'all-closed': 0,
      unassigned: 1,
      'assigned-to-me': 0,
      sent: 0,
      [custom.viewId]: 1,
    });
    expect(before[5]).toMatchObject({
      name: 'Open WhatsApp',
      isDefault: false,
      sharing: 'EVERYONE',
      creatorId: 'anna',
      teamId: null,
    });
    expect(
      (await world.ok<TicketsShown>(VIEW_TICKETS, { viewId: custom.viewId }, anna)).nodes.map((node) => node.id),
    ).toEqual([ticketId]);

    const assign = 'mutation($input: AssignTicketInput!) { assignTicket(input: $input) { position } }';
    const assigned = await world.ok<{ position: string }>(
      assign,
      { input: { conversationId, ticketId, assigneeId: 'anna' } },
      anna,
    );
    expect(countsOf(await world.ok(VIEWS, { at: assigned.position }, anna))).toMatchObject({
      unassigned: 0,
      'assigned-to-me': 1,
    });
    const bob = await world.tokenFor(acme, 'bob', 'agent', 'nl');
    expect(countsOf(await world.ok(VIEWS, {}, bob))).toMatchObject({ 'assigned-to-me': 0 });

    const close = 'mutation($input: CloseTicketInput!) { closeTicket(input: $input) { position } }';
    const closed = await world.ok<{ position: string }>(close, { input: { conversationId, ticketId } }, anna);
    const after = await world.ok<ViewShown[]>(VIEWS, { at: closed.position }, anna);
    expect(countsOf(after)).toEqual({
      'all-open': 0,
      'all-closed': 1,
      unassigned: 0,
      'assigned-to-me': 0,
      sent: 0,
      [custom.viewId]: 0,
    });
    expect(await world.ok(VIEW_TICKETS, { viewId: custom.viewId }, anna)).toEqual({ totalCount: 0, nodes: [] });
    expect(await world.ok(VIEW_TICKETS, { viewId: 'all-closed' }, anna)).toMatchObject({
      totalCount: 1,
      nodes: [{ id: ticketId, status: 'CLOSED' }],
    });
    // A view narrows the filter argument further; it never widens it.
    expect(await world.ok(VIEW_TICKETS, { viewId: 'all-closed', filter: { status: ['OPEN'] } }, anna)).toMatchObject({
      totalCount: 0,
    });
  });

  it('shows an only-me view to its creator alone, and a my-team view to that team alone', async () => {
    const [bob, carl] = [
      await world.tokenFor(acme, 'bob', 'agent', 'nl'),
      await world.tokenFor(acme, 'carl', 'agent', 'de'),
    ];
    const owners = [{ kind: 'CURRENT_USER' }, { kind: 'USER', userId: 'bob' }];
    const mine = await create(anna, { name: 'Anna only', sharing: 'ONLY_ME', filters: [{ field: 'OWNER', owners }] });
    const team = await create(anna, { name: 'Team NL', sharing: 'MY_TEAM', filters: [] });
    await world.ok(VIEWS, { at: team.position }, anna);

    expect(await viewIds(anna)).toEqual(expect.arrayContaining([mine.viewId, team.viewId]));
    expect(await world.ok(VIEW, { id: mine.viewId }, anna)).toEqual({
      ...{ name: 'Anna only', sharing: 'ONLY_ME', teamId: null },
      filters: [
        {
          field: 'OWNER',
          values: [],
          owners: [
            { kind: 'CURRENT_USER', userId: null },
            { kind: 'USER', userId: 'bob' },
          ],
        },
      ],
    });
    expect(await world.ok(VIEW, { id: mine.viewId }, bob)).toBeNull();
    expect(await world.ok(VIEW, { id: team.viewId }, bob)).toMatchObject({
      name: 'Team NL',
      sharing: 'MY_TEAM',
      teamId: 'nl',
    });
    expect(await viewIds(bob)).toContain(team.viewId);
    expect(await viewIds(bob)).not.toContain(mine.viewId);
    expect(await viewIds(carl)).not.toContain(team.viewId);
    expect(await viewIds(carl)).not.toContain(mine.viewId);
    expect((await world.ok<TicketsShown>(VIEW_TICKETS, { viewId: team.viewId }, bob)).totalCount).toBe(1);
    expect(refusal(await world.graphql(VIEW_TICKETS, { viewId: mine.viewId }, bob))).toEqual({ code: 'NOT_FOUND' });
    expect(refusal(await world.graphql(VIEW_TICKETS, { viewId: team.viewId }, carl))).toEqual({ code: 'NOT_FOUND' });
    expect(
      refusal(await world.graphql(CHANGE_VIEW, { input: { viewId: mine.viewId, name: 'Mine now' } }, bob)),
    ).toEqual({ code: 'VIEW_NOT_FOUND' });
    expect(refusal(await world.graphql(DELETE_VIEW, { input: { viewId: team.viewId } }, carl))).toEqual({
      code: 'VIEW_NOT_FOUND',
    });

    const shared = await world.ok<{ position: string }>(
      CHANGE_VIEW,
      { input: { viewId: mine.viewId, sharing: 'EVERYONE', name: 'For all' } },
      anna,
    );
    expect((await world.ok<ViewShown[]>(VIEWS, { at: shared.position }, carl)).map((view) => view.name)).toContain(
      'For all',
    );
    const admin = await world.tokenFor(acme, 'dora', 'admin');
    const deleted = await world.ok<{ position: string }>(DELETE_VIEW, { input: { viewId: team.viewId } }, admin);
    expect((await world.ok<ViewShown[]>(VIEWS, { at: deleted.position }, bob)).map((view) => view.id)).not.toContain(
      team.viewId,
    );
  });

  it("shows another portal's token no custom view of acme, and lets it change none", async () => {
    const view = await create(anna, { name: 'Acme everyone', sharing: 'EVERYONE', filters: [] });
    const other = await world.tokenFor(globex, 'anna', 'agent,admin', 'nl');
    const views = await world.ok<ViewShown[]>(VIEWS, { at: view.position }, other);
    expect(views.map((shown) => [shown.id, shown.ticketCount])).toEqual(DEFAULT_IDS.map((id) => [id, 0]));
    expect(refusal(await world.graphql(VIEW_TICKETS, { viewId: view.viewId }, other))).toEqual({ code: 'NOT_FOUND' });
    expect(await world.ok(VIEW_TICKETS, { viewId: 'all-closed' }, other)).toEqual({ totalCount: 0, nodes: [] });
    expect(
      refusal(await world.graphql(CHANGE_VIEW, { input: { viewId: view.viewId, name: 'Hijacked' } }, other)),
    ).toEqual({ code: 'VIEW_NOT_FOUND' });
    expect(refusal(await world.graphql(DELETE_VIEW, { input: { viewId: view.viewId } }, other))).toEqual({
      code: 'VIEW_NOT_FOUND',
    });
    expect(await viewIds(anna)).toContain(view.viewId);
  });

  it('refuses bad input by field, bad filters with the domain code, and callers without the role', async () => {
    const noOwners = await world.graphql(
      CREATE_VIEW,
      { input: { name: 'Mine', sharing: 'ONLY_ME', filters: [{ field: 'OWNER' }] } },
      anna,
    );
    expect(refusal(noOwners)).toEqual({ code: 'BAD_USER_INPUT', fields: ['filters.0.owners'] });
    const blank = await world.graphql(CREATE_VIEW, { input: { name: ' ', sharing: 'ONLY_ME', filters: [] } }, anna);
    expect(refusal(blank)).toEqual({ code: 'BAD_USER_INPUT', fields: ['name'] });
    const userless = [{ field: 'OWNER', owners: [{ kind: 'USER' }] }];
    expect(
      refusal(await world.graphql(CREATE_VIEW, { input: { name: 'X', sharing: 'ONLY_ME', filters: userless } }, anna)),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['filters.0.owners.0.userId'],
    });
    const pending = await world.graphql(
      CREATE_VIEW,
      { input: { name: 'X', sharing: 'ONLY_ME', filters: [{ field: 'STATUS', values: ['pending'] }] } },
      anna,
    );
    expect(refusal(pending)).toEqual({ code: 'INVALID_VIEW' });
    expect(pending.errors?.[0].message).toMatch(/'pending' is not one of open, closed/);
    const teamless = await world.tokenFor(acme, 'erik', 'agent');
    expect(
      refusal(await world.graphql(CREATE_VIEW, { input: { name: 'X', sharing: 'MY_TEAM', filters: [] } }, teamless)),
    ).toEqual({ code: 'INVALID_VIEW' });
    const auditor = await world.tokenFor(acme, 'audrey', 'auditor');
    expect(
      refusal(await world.graphql(CREATE_VIEW, { input: { name: 'X', sharing: 'ONLY_ME', filters: [] } }, auditor)),
    ).toEqual({ code: 'FORBIDDEN' });
    expect((await world.ok<ViewShown[]>(VIEWS, {}, auditor)).length).toBeGreaterThanOrEqual(5);
    expect(refusal(await world.graphql(VIEW_TICKETS, { viewId: '' }, anna))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['viewId'],
    });
  });
});
