import { signHs256Jwt } from '@helpdesk/auth';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { formatPosition } from '../graphql/positions.js';
import {
  RECEIVED_AT,
  SECRET,
  type TicketsWorld,
  acme,
  contactPhone,
  globex,
  openTicketsWorld,
  template,
} from './tickets.test-world.js';

const TICKETS = `query Tickets($filter: TicketFilterInput, $first: Int, $after: String, $at: String) {
  tickets(filter: $filter, first: $first, after: $after, atLeastPosition: $at) {
    totalCount nodes { id conversationId status ownerId contactPhone preview } pageInfo { endCursor hasNextPage }
  }
}`;
const TICKET = `query Ticket($id: ID!, $at: String) { ticket(id: $id, atLeastPosition: $at) { id status ownerId preview } }`;
const REPLY = `mutation Reply($input: ReplyToConversationInput!) {
  replyToConversation(input: $input) { conversationId messageId position }
}`;
const HOUR = 3_600_000;

/** The GraphQL API booted for real on Fastify: tokens, portal scoping, commands, read-your-writes, error codes. */
describe('tickets GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let conversationId: string;
  let ticketId: string;
  let inboundMessageId: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    const receipt = await world.receive('wamid.first');
    conversationId = receipt.conversationId;
    inboundMessageId = receipt.messageId;
    agent = await world.token(acme, 'agent');
    const page = await world.graphql(TICKETS, { at: formatPosition(receipt.position!) }, agent);
    ticketId = (page.data?.tickets as { nodes: { id: string }[] }).nodes[0].id;
  });

  beforeEach(() => world.clock.set(RECEIVED_AT));

  afterAll(() => world.close());

  it('answers UNAUTHENTICATED without a valid bearer token, FORBIDDEN without the role; serviceHealth stays open', async () => {
    const now = Math.floor(Date.parse(RECEIVED_AT) / 1000);
    const claims = { sub: 'agent-1', portalId: acme, roles: ['agent'] };
    const tokens = {
      none: undefined,
      garbage: 'not-a-jwt',
      badSignature: signHs256Jwt({ ...claims, exp: now + 3600 }, 'another-secret-that-is-long-enough-too'),
      expired: signHs256Jwt({ ...claims, exp: now - 3600 }, SECRET),
      noRole: signHs256Jwt({ ...claims, roles: ['guest'], exp: now + 3600 }, SECRET),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const answer = await world.graphql(TICKETS, {}, token);
      expect({ name, data: answer.data, codes: answer.errors?.map((error) => error.extensions?.code) }).toEqual({
        name,
        data: null,
        codes: ['UNAUTHENTICATED'],
      });
      expect(answer.raw).not.toContain(SECRET);
    }
    expect((await world.graphql(TICKETS, {}, tokens.expired)).errors?.[0].message).toBe('The bearer token has expired');

    const operator = await world.graphql(TICKETS, {}, await world.token(acme, 'operator'));
    expect(operator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const agentReveal = await world.graphql(
      'mutation($input: RevealQuarantinedMessageInput!) { revealQuarantinedMessage(input: $input) { position } }',
      { input: { conversationId, messageId: inboundMessageId, reason: 'curious' } },
      agent,
    );
    expect(agentReveal.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    expect((await world.graphql('{ serviceHealth { healthy } }')).data).toEqual({ serviceHealth: { healthy: true } });
  });

  it('shows a portal only its own tickets: the portal comes from the token, never from the input', async () => {
    const own = await world.graphql(TICKETS, { filter: { contactPhone, status: ['OPEN'] } }, agent);
    expect(own.data?.tickets).toMatchObject({
      totalCount: 1,
      nodes: [
        { id: ticketId, conversationId, status: 'OPEN', ownerId: null, contactPhone, preview: 'Where is my order?' },
      ],
      pageInfo: { endCursor: null, hasNextPage: false },
    });
    expect((await world.graphql(TICKET, { id: ticketId }, agent)).data).toEqual({
      ticket: { id: ticketId, status: 'OPEN', ownerId: null, preview: 'Where is my order?' },
    });

    const other = await world.token(globex, 'agent,admin,auditor');
    expect((await world.graphql(TICKETS, {}, other)).data?.tickets).toMatchObject({ totalCount: 0, nodes: [] });
    expect((await world.graphql(TICKET, { id: ticketId }, other)).data).toEqual({ ticket: null });
    const reply = await world.graphql(REPLY, { input: { conversationId, text: 'Hello from globex' } }, other);
    // Answered exactly like an id that does not exist: the id confirms nothing.
    const unknown = await world.graphql(
      REPLY,
      { input: { conversationId: `${conversationId}0`, text: 'Hello from globex' } },
      other,
    );
    expect(reply.errors?.[0]).toMatchObject({
      message: 'There is no conversation with this contact yet',
      extensions: { code: 'CONVERSATION_NOT_FOUND' },
    });
    expect(reply.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(reply.errors?.[0].extensions).toEqual(unknown.errors?.[0].extensions);
  });

  it('replies inside the session, and a query with the returned position sees each change', async () => {
    const reply = await world.graphql(
      REPLY,
      { input: { conversationId, text: 'It ships today', idempotencyKey: 'reply-1' } },
      agent,
    );
    expect(reply.errors).toBeUndefined();
    const { position, messageId } = reply.data?.replyToConversation as { position: string; messageId: string };
    const retried = await world.graphql(
      REPLY,
      { input: { conversationId, text: 'It ships today', idempotencyKey: 'reply-1' } },
      agent,
    );
    expect(retried.data?.replyToConversation).toEqual({ conversationId, messageId, position: null });
    const afterReply = await world.graphql(TICKET, { id: ticketId, at: position }, agent);
    expect(afterReply.data?.ticket).toMatchObject({ preview: 'It ships today' });

    const assign = await world.graphql(
      'mutation($input: AssignTicketInput!) { assignTicket(input: $input) { conversationId ticketId position } }',
      { input: { conversationId, ticketId, assigneeId: 'agent-2' } },
      agent,
    );
    const assigned = assign.data?.assignTicket as { ticketId: string; position: string };
    expect(assigned.ticketId).toBe(ticketId);
    const mine = await world.graphql(TICKETS, { filter: { ownerIds: ['agent-2'] }, at: assigned.position }, agent);
    expect(mine.data?.tickets).toMatchObject({ totalCount: 1, nodes: [{ id: ticketId, ownerId: 'agent-2' }] });

    const close = await world.graphql(
      'mutation($input: CloseTicketInput!) { closeTicket(input: $input) { position } }',
      { input: { conversationId, ticketId } },
      agent,
    );
    const closedAt = (close.data?.closeTicket as { position: string }).position;
    const closed = await world.graphql(TICKETS, { filter: { status: ['CLOSED'] }, at: closedAt }, agent);
    expect(closed.data?.tickets).toMatchObject({ totalCount: 1, nodes: [{ id: ticketId, status: 'CLOSED' }] });
    const reopen = await world.graphql(
      'mutation($input: ReopenTicketInput!) { reopenTicket(input: $input) { position } }',
      { input: { conversationId, ticketId } },
      agent,
    );
    expect(reopen.errors).toBeUndefined();
  });

  it('refuses a reply 24 hours after the contact wrote with SESSION_CLOSED; a template still goes out', async () => {
    world.clock.set(later(RECEIVED_AT, 25 * HOUR));
    const refused = await world.graphql(REPLY, { input: { conversationId, text: 'Still there?' } }, agent);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('SESSION_CLOSED');
    expect(refused.errors?.[0].message).toMatch(/template/);

    const sent = await world.graphql(
      'mutation($input: SendTemplateInput!) { sendTemplate(input: $input) { conversationId messageId position } }',
      { input: { conversationId, name: template.name, language: template.language, bodyParameters: ['Ada', 'A-42'] } },
      agent,
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data?.sendTemplate).toMatchObject({ conversationId, position: expect.stringMatching(/^\d+:\d+$/) });
  });

  it('lets agents quarantine a message and auditors reveal it', async () => {
    const input = { conversationId, messageId: inboundMessageId, reason: 'phishing link' };
    const quarantine = await world.graphql(
      'mutation($input: QuarantineMessageInput!) { quarantineMessage(input: $input) { messageId position } }',
      { input },
      agent,
    );
    expect(quarantine.data?.quarantineMessage).toMatchObject({ messageId: inboundMessageId });
    const auditor = await world.token(acme, 'auditor', 'auditor-1');
    const reveal = await world.graphql(
      'mutation($input: RevealQuarantinedMessageInput!) { revealQuarantinedMessage(input: $input) { messageId position } }',
      { input: { ...input, reason: 'investigation #7' } },
      auditor,
    );
    expect(reveal.errors).toBeUndefined();
    expect(reveal.data?.revealQuarantinedMessage).toMatchObject({ messageId: inboundMessageId });
  });

  it('codes every error of a document with several mistakes as GRAPHQL_VALIDATION_FAILED', async () => {
    const answer = await world.graphql('{ tickets { nodes { noSuchField alsoMissing } } }', {}, agent);
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });

  it('refuses invalid input with BAD_USER_INPUT naming the field, and never shows a stack', async () => {
    const fieldsOf = (answer: { errors?: { extensions?: { code?: string; fields?: { field: string }[] } }[] }) => ({
      code: answer.errors?.[0].extensions?.code,
      fields: answer.errors?.[0].extensions?.fields?.map((problem) => problem.field),
    });
    const empty = await world.graphql(REPLY, { input: { conversationId, text: '' } }, agent);
    expect(fieldsOf(empty)).toEqual({ code: 'BAD_USER_INPUT', fields: ['text'] });
    expect(empty.errors?.[0].message).toMatch(/text must not be blank/);
    const missing = await world.graphql(REPLY, { input: { text: 'Hi' } }, agent);
    expect(fieldsOf(missing)).toEqual({ code: 'BAD_USER_INPUT', fields: ['conversationId'] });
    const tooMany = await world.graphql(TICKETS, { first: 1000 }, agent);
    expect(fieldsOf(tooMany)).toEqual({ code: 'BAD_USER_INPUT', fields: ['first'] });
    const badDate = await world.graphql(TICKETS, { filter: { updatedAfter: 'yesterday' } }, agent);
    expect(fieldsOf(badDate).code).toBe('BAD_USER_INPUT');
    const notAPosition = await world.graphql(TICKETS, { at: '99999999:99999999' }, agent);
    expect(fieldsOf(notAPosition)).toEqual({ code: 'BAD_USER_INPUT', fields: ['atLeastPosition'] });
    const badCursor = await world.graphql(TICKETS, { after: 'bm9wZQ' }, agent);
    expect(fieldsOf(badCursor)).toEqual({ code: 'BAD_USER_INPUT', fields: ['after'] });
    for (const answer of [empty, missing, tooMany, badDate, notAPosition, badCursor]) {
      expect(answer.raw).not.toMatch(/stack|\.ts:\d+|node_modules/);
    }
  });
});
