import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import {
  type GraphqlAnswer,
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  contactPhone,
  globex,
  openTicketsWorld,
  phoneNumberId,
} from './tickets.test-world.js';

const MARK_READ = `mutation ($id: ID!) { markConversationRead(input: { conversationId: $id }) { conversationId position } }`;
const RECEIPTS = `mutation ($on: Boolean!) { changeReadReceiptsToContacts(input: { enabled: $on }) { readReceiptsToContacts } }`;
const UNREAD = `query ($at: String) { tickets(atLeastPosition: $at) { nodes { conversationId unreadCount } } }`;
const PAGE = `query ($id: ID!, $last: Int, $before: String, $first: Int, $after: String) {
  conversation(id: $id) {
    thread(last: $last, before: $before, first: $first, after: $after) {
      totalCount nodes { wamid } pageInfo { startCursor hasPreviousPage endCursor hasNextPage }
    }
  }
}`;
const LEGACY = `query ($id: ID!) { conversation(id: $id, first: 2) { thread { nodes { wamid } pageInfo { endCursor hasNextPage } } } }`;
const at = (ms: number) => later(RECEIVED_AT, ms);

const codeOf = (answer: GraphqlAnswer) => answer.errors?.[0].extensions?.code;
const wamids = (answer: GraphqlAnswer) =>
  (answer.data?.conversation as { thread: { nodes: { wamid: string }[] } }).thread.nodes.map((node) => node.wamid);
const pageInfo = (answer: GraphqlAnswer) =>
  (answer.data?.conversation as { thread: { pageInfo: Record<string, unknown> } }).thread.pageInfo;

/** markConversationRead, the read-receipt setting and the thread's order and paging, over HTTP GraphQL. */
describe('read state and the thread an agent reads, over GraphQL', () => {
  let world: TicketsWorld;
  let agent: string;
  let conversationId: string;

  const receive = async (wamid: string, sentMs: number, arrivedMs = sentMs, profileName?: string) => {
    world.clock.set(at(arrivedMs));
    const message = {
      phoneNumberId,
      wamid,
      from: contactPhone,
      sentAt: at(sentMs),
      ...(profileName && { profileName }),
    };
    return world.bus.execute(
      new ReceiveInboundMessageCommand({ ...message, content: { kind: 'text', body: `Message ${wamid}` } }),
    );
  };
  const readEvents = async () => {
    const types: string[] = [];
    const store = world.app.get<EventStore>(EVENT_STORE);
    for await (const event of store.readStream(conversationStreamName(conversationId))) {
      if (/Read(?!ed)/.test(event.type) || event.type === 'ConversationMarkedRead') types.push(event.type);
    }
    return types;
  };

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    ({ conversationId } = await receive('wamid.1', 0));
    await receive('wamid.3', 3000);
    // Written before wamid.3, delivered by Meta after it.
    await receive('wamid.2', 2000, 4000);
    await receive('wamid.4', 5000, 5000, 'Ada');
    await receive('wamid.5', 5000);
  });

  afterAll(() => world.close());

  it('resets the unread count and records the read receipt once; marking read again records nothing', async () => {
    const before = await world.graphql(UNREAD, {}, agent);
    expect(before.data?.tickets).toMatchObject({ nodes: [{ conversationId, unreadCount: 5 }] });

    const marked = await world.graphql(MARK_READ, { id: conversationId }, agent);
    const { position } = marked.data?.markConversationRead as { position: string | null };
    expect(position).not.toBeNull();
    const after = await world.graphql(UNREAD, { at: position }, agent);
    expect(after.data?.tickets).toMatchObject({ nodes: [{ conversationId, unreadCount: 0 }] });
    expect(await readEvents()).toEqual(['ConversationMarkedRead', 'ReadReceiptRequested']);

    const replayed = await world.graphql(MARK_READ, { id: conversationId }, agent);
    expect(replayed.data?.markConversationRead).toEqual({ conversationId, position: null });
    expect(await readEvents()).toEqual(['ConversationMarkedRead', 'ReadReceiptRequested']);
  });

  it("answers another portal's conversation exactly like an unknown one, and needs a token and an agent's role", async () => {
    const intruder = await world.token(globex, 'agent,admin');
    const foreign = await world.graphql(MARK_READ, { id: conversationId }, intruder);
    const unknown = await world.graphql(MARK_READ, { id: `${conversationId}-nope` }, agent);
    expect(codeOf(foreign)).toBe('CONVERSATION_NOT_FOUND');
    expect(foreign.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(codeOf(unknown)).toBe(codeOf(foreign));

    expect(codeOf(await world.graphql(MARK_READ, { id: conversationId }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await world.graphql(MARK_READ, { id: conversationId }, await world.token(acme, 'auditor')))).toBe(
      'FORBIDDEN',
    );
  });

  it('lets only admins turn read receipts to contacts off; a read then asks for no receipt', async () => {
    expect(codeOf(await world.graphql(RECEIPTS, { on: false }, agent))).toBe('FORBIDDEN');
    const admin = await world.token(acme, 'admin');
    const off = await world.graphql(RECEIPTS, { on: false }, admin);
    expect(off.data?.changeReadReceiptsToContacts).toEqual({ readReceiptsToContacts: false });

    await receive('wamid.6', 6000);
    await world.graphql(MARK_READ, { id: conversationId }, agent);
    expect(await readEvents()).toEqual(['ConversationMarkedRead', 'ReadReceiptRequested', 'ConversationMarkedRead']);
    const on = await world.graphql(RECEIPTS, { on: true }, admin);
    expect(on.data?.changeReadReceiptsToContacts).toEqual({ readReceiptsToContacts: true });
  });

  it('serves the thread in the order the contact wrote it, newest page first with last and before', async () => {
    const newest = await world.graphql(PAGE, { id: conversationId, last: 2 }, agent);
    expect(wamids(newest)).toEqual(['wamid.5', 'wamid.6']);
    expect(pageInfo(newest)).toMatchObject({ hasPreviousPage: true, hasNextPage: false, endCursor: null });

    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page = await world.graphql(PAGE, { id: conversationId, last: 2, before }, agent);
      seen.unshift(...wamids(page));
      before = pageInfo(page).startCursor as string | null;
    } while (before);
    expect(seen).toEqual(['wamid.1', 'wamid.2', 'wamid.3', 'wamid.4', 'wamid.5', 'wamid.6']);
    const forwards = await world.graphql(PAGE, { id: conversationId, first: 3 }, agent);
    expect(wamids(forwards)).toEqual(['wamid.1', 'wamid.2', 'wamid.3']);
  });

  it('shows the name the contact gave WhatsApp when there is no contact record', async () => {
    const answer = await world.graphql('{ tickets { nodes { contactProfileName contact { name } } } }', {}, agent);
    expect(answer.data?.tickets).toEqual({ nodes: [{ contactProfileName: 'Ada', contact: null }] });
  });

  it("keeps conversation's own page arguments working (deprecated), and refuses huge pages and bad cursors", async () => {
    const legacy = await world.graphql(LEGACY, { id: conversationId }, agent);
    expect(wamids(legacy)).toEqual(['wamid.1', 'wamid.2']);
    expect(pageInfo(legacy).hasNextPage).toBe(true);

    expect(codeOf(await world.graphql(PAGE, { id: conversationId, last: 1_000_000 }, agent))).toBe('BAD_USER_INPUT');
    for (const before of ['not-a-cursor', Buffer.from('[1]').toString('base64url'), 'x'.repeat(2000)]) {
      expect(codeOf(await world.graphql(PAGE, { id: conversationId, last: 2, before }, agent))).toBe('BAD_USER_INPUT');
    }
    const both = await world.graphql(PAGE, { id: conversationId, first: 2, last: 2 }, agent);
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
  });
});
