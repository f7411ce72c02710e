import { EVENT_STORE } from '@helpdesk/event-store';
import { metaAnswers } from '../outbound/delivery.test-world.js';
import { DEFAULT_BACKOFF } from '../outbound/backoff.js';
import { MessageDelivery } from '../outbound/message-delivery.js';
import { RequestSlots } from '../outbound/request-slots.js';
import { DEFAULT_THROUGHPUT, NumberRateLimiter } from '../outbound/number-rate-limiter.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import {
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  contactPhone,
  globex,
  openTicketsWorld,
  phoneNumberId,
  template,
} from './tickets.test-world.js';

const THREAD = `query Thread($id: ID!, $first: Int, $after: String, $at: String) {
  conversation(id: $id, first: $first, after: $after, atLeastPosition: $at) {
    id businessPhone contactPhone
    thread {
      totalCount totalCountCapped pageInfo { endCursor hasNextPage }
      nodes {
        id ticketId direction type from to sentAt wamid
        content {
          __typename
          ... on TextContent { body }
          ... on MediaContent { kind mediaId mimeType caption }
          ... on TemplateMessageContent { templateName language renderedText }
        }
        placeholder { kind unsupportedKind detail }
        quarantine { reason }
        delivery { status sentAt deliveredAt readAt failedAt error { code title message details } }
        dispatch { state attempts lastFailure { code httpStatus attempt reason } }
      }
    }
  }
}`;
const REPLY =
  'mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { messageId position } }';
const at = (ms: number) => later(RECEIVED_AT, ms);
const meta: CommandOrigin = { portalId: acme, actor: { kind: 'whatsapp', id: phoneNumberId } };
const metaError = {
  code: 131026,
  title: 'Message undeliverable',
  message: 'Receiver is incapable',
  details: 'Old WhatsApp version',
};

/** The thread read model over GraphQL: order, content and placeholders, delivery, dispatch, quarantine, tenancy. */
describe('conversation thread GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let conversationId: string;
  let last: string;

  const receive = async (wamid: string, ms: number, content: ReceiveInboundMessageCommand['message']['content']) => {
    world.clock.set(at(ms));
    return world.bus.execute(
      new ReceiveInboundMessageCommand({ phoneNumberId, wamid, from: contactPhone, sentAt: at(ms), content }),
    );
  };
  const reply = async (text: string, ms: number) => {
    world.clock.set(at(ms));
    const answer = await world.graphql(REPLY, { input: { conversationId, text } }, agent);
    return (answer.data?.replyToConversation as { messageId: string }).messageId;
  };
  const status = async (
    wamid: string,
    value: 'delivered' | 'read' | 'failed',
    ms: number,
    error?: typeof metaError,
  ) => {
    const data = { wamid, status: value, at: at(ms), ...(error && { error }) };
    return world.bus.execute(new RunConversationCommand(meta, conversationId, 'RecordDeliveryStatus', data));
  };
  /** The production delivery path with Meta's answer scripted: it refuses the message for good. */
  const metaRefuses = (messageId: string) =>
    new MessageDelivery({
      ...{
        store: world.app.get(EVENT_STORE),
        clock: world.clock,
        random: () => 0.5,
        sleep: async () => true,
        isStopping: () => false,
      },
      graph: {
        sendMessage: async () => metaAnswers.refused(100, '(#100) Invalid parameter', 'Parameter value is not valid'),
      },
      slots: new RequestSlots(1),
      limiter: new NumberRateLimiter(
        DEFAULT_THROUGHPUT,
        () => world.clock.now().getTime(),
        async () => true,
      ),
      settings: { staleAttemptMs: 60_000, backoff: DEFAULT_BACKOFF, storeRetryMs: 10, storeRetryMaxMs: 100 },
    }).deliver(conversationId, messageId);

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    const first = await receive('wamid.t1', 0, { kind: 'text', body: 'Where is my order?' });
    ({ conversationId } = first);
    await receive('wamid.t2', 1000, { kind: 'image', mediaId: 'media-1', mimeType: 'image/jpeg', caption: 'The box' });
    await receive('wamid.t3', 2000, { kind: 'unsupported', unsupportedKind: 'reaction', detail: 'Reacted 👍' });
    const read = await reply('It ships today', 60_000);
    await world.bus.execute(
      new RunConversationCommand(meta, conversationId, 'RecordOutboundWamid', {
        messageId: read,
        wamid: 'wamid.out-1',
      }),
    );
    await status('wamid.out-1', 'delivered', 61_000);
    await status('wamid.out-1', 'read', 62_000);
    const failed = await reply('Tracking: A-42', 70_000);
    await world.bus.execute(
      new RunConversationCommand(meta, conversationId, 'RecordOutboundWamid', {
        messageId: failed,
        wamid: 'wamid.out-2',
      }),
    );
    await status('wamid.out-2', 'failed', 71_000, metaError);
    await metaRefuses(await reply('Order?', 75_000));
    world.clock.set(at(80_000));
    const sent = await world.graphql(
      'mutation($input: SendTemplateInput!) { sendTemplate(input: $input) { position } }',
      { input: { conversationId, name: template.name, language: template.language, bodyParameters: ['Ada', 'A-42'] } },
      agent,
    );
    last = (sent.data?.sendTemplate as { position: string }).position;
  });

  afterAll(() => world.close());

  it('serves the thread in order: direction, content or placeholder, sender and recipient, times, delivery and dispatch', async () => {
    const answer = await world.graphql(THREAD, { id: conversationId, at: last }, agent);
    expect(answer.errors).toBeUndefined();
    const conversation = answer.data?.conversation as { thread: { nodes: { ticketId: string }[] } };
    expect(conversation).toMatchObject({ id: conversationId, businessPhone: '+15550001111', contactPhone });
    expect(conversation.thread).toMatchObject({
      totalCount: 7,
      totalCountCapped: false,
      pageInfo: { endCursor: null, hasNextPage: false },
    });
    const [inbound] = conversation.thread.nodes;
    expect(conversation.thread.nodes.every((node) => node.ticketId === inbound.ticketId)).toBe(true);
    expect(conversation.thread.nodes).toMatchObject([
      {
        direction: 'INBOUND',
        type: 'TEXT',
        from: contactPhone,
        to: '+15550001111',
        sentAt: at(0),
        wamid: 'wamid.t1',
        content: { __typename: 'TextContent', body: 'Where is my order?' },
        placeholder: null,
        delivery: null,
        dispatch: null,
      },
      {
        type: 'IMAGE',
        content: { __typename: 'MediaContent', kind: 'IMAGE', mediaId: 'media-1', mimeType: 'image/jpeg' },
      },
      {
        type: 'UNSUPPORTED',
        content: null,
        placeholder: { kind: 'UNSUPPORTED', unsupportedKind: 'REACTION', detail: 'Reacted 👍' },
      },
      {
        direction: 'OUTBOUND',
        type: 'TEXT',
        from: '+15550001111',
        to: contactPhone,
        sentAt: at(60_000),
        wamid: 'wamid.out-1',
        content: { body: 'It ships today' },
        dispatch: { state: 'SENT', attempts: 0, lastFailure: null },
        delivery: {
          status: 'READ',
          sentAt: null,
          deliveredAt: at(61_000),
          readAt: at(62_000),
          failedAt: null,
          error: null,
        },
      },
      { content: { body: 'Tracking: A-42' }, delivery: { status: 'FAILED', failedAt: at(71_000), error: metaError } },
      {
        content: { body: 'Order?' },
        wamid: null,
        delivery: { status: null },
        dispatch: {
          state: 'FAILED',
          attempts: 1,
          lastFailure: { code: 100, httpStatus: 400, attempt: 1, reason: 'REFUSED' },
        },
      },
      {
        type: 'TEMPLATE',
        sentAt: at(80_000),
        delivery: { status: null },
        dispatch: { state: 'PENDING', attempts: 0 },
        content: {
          __typename: 'TemplateMessageContent',
          templateName: 'order_ready',
          language: 'en_US',
          renderedText: 'Hi Ada, your order A-42 is ready.',
        },
      },
    ]);
  });

  it('pages through the thread oldest first, and refuses a cursor it did not hand out', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const answer = await world.graphql(THREAD, { id: conversationId, first: 4, after }, agent);
      type Page = { nodes: { wamid: string | null; type: string }[]; pageInfo: { endCursor: string | null } };
      const { thread } = answer.data?.conversation as { thread: Page };
      seen.push(...thread.nodes.map((node) => node.wamid ?? node.type));
      after = thread.pageInfo.endCursor;
    } while (after);
    expect(seen).toEqual(['wamid.t1', 'wamid.t2', 'wamid.t3', 'wamid.out-1', 'wamid.out-2', 'TEXT', 'TEMPLATE']);
    const bad = await world.graphql(THREAD, { id: conversationId, after: 'bm9wZQ' }, agent);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
  });

  it('keeps a quarantined message in its place with no trace of its content, even after an auditor reveals it', async () => {
    const secret = 'Claim your prize at http://phish.example/win';
    const { messageId } = await receive('wamid.t4', 90_000, { kind: 'text', body: secret });
    const input = { conversationId, messageId, reason: 'phishing link' };
    const quarantined = await world.graphql(
      'mutation($input: QuarantineMessageInput!) { quarantineMessage(input: $input) { position } }',
      { input },
      agent,
    );
    const auditor = await world.token(acme, 'auditor', 'auditor-1');
    const reveal = await world.graphql(
      'mutation($input: RevealQuarantinedMessageInput!) { revealQuarantinedMessage(input: $input) { position } }',
      { input: { ...input, reason: 'investigation #7' } },
      auditor,
    );
    expect(reveal.errors).toBeUndefined();

    const readers = [
      [agent, quarantined.data?.quarantineMessage],
      [auditor, reveal.data?.revealQuarantinedMessage],
    ] as const;
    for (const [token, payload] of readers) {
      const answer = await world.graphql(
        THREAD,
        { id: conversationId, at: (payload as { position: string }).position },
        token,
      );
      const nodes = (answer.data?.conversation as { thread: { nodes: Record<string, unknown>[] } }).thread.nodes;
      const inOrder = ['wamid.t1', 'wamid.t2', 'wamid.t3', 'wamid.out-1', 'wamid.out-2', null, null, 'wamid.t4'];
      expect(nodes.map((node) => node.wamid)).toEqual(inOrder);
      const placeholder = { kind: 'QUARANTINED' };
      expect(nodes[7]).toMatchObject({
        type: 'TEXT',
        content: null,
        placeholder,
        quarantine: { reason: 'phishing link' },
      });
      expect(answer.raw).not.toContain('phish.example');
      expect(answer.raw).not.toContain('Claim your prize');
    }
  });

  it("shows another portal's token nothing, and needs a reading role", async () => {
    const other = await world.token(globex, 'agent,admin,auditor');
    expect((await world.graphql(THREAD, { id: conversationId }, other)).data).toEqual({ conversation: null });
    expect((await world.graphql(THREAD, { id: 'acme-000-000' }, agent)).data).toEqual({ conversation: null });
    const auditor = await world.token(acme, 'auditor');
    const audited = await world.graphql(THREAD, { id: conversationId, first: 1 }, auditor);
    expect(audited.data?.conversation).toMatchObject({ id: conversationId });
    const operator = await world.token(acme, 'operator');
    expect((await world.graphql(THREAD, { id: conversationId }, operator)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await world.graphql(THREAD, { id: conversationId })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
