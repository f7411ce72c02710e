import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig } from '@helpdesk/config';
import { mintAccessToken } from '@helpdesk/auth';
import type { Role } from '@helpdesk/auth';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ChangeMonthlyLimitCommand } from '@helpdesk/commands/portal/change-monthly-limit.handler.js';
import { EVENT_STORE, type EventStore, headPosition } from '@helpdesk/event-store';
import { CampaignRunner } from '../campaign/campaign-runner.js';
import { formatPosition, parsePosition } from '../graphql/positions.js';
import { pywaPayload } from '../webhooks/pywa.fixtures.js';
import { CONNECTED_AT, RECEIVED_AT, WebhookWorld, admin, openWebhookWorld } from '../webhooks/webhook.test-world.js';

interface Answer {
  data: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const HOUR = 3_600_000;

/**
 * The README's tour, as a client drives it: Meta's webhook in, the ticket in the agents' views,
 * replies inside and outside the 24 hours, a template counted against the monthly limit and the
 * next one refused, a read receipt, quarantined content hidden, and another portal seeing nothing.
 */
describe("an agent's day, over HTTP", () => {
  let world: WebhookWorld;
  let graphqlUrl: string;
  let secret: string;

  const token = (portalId: string, roles: Role[], userId = 'agent-1') =>
    mintAccessToken({ portalId, userId, roles, expiresInSeconds: 7 * 24 * 3600 }, secret, world.clock.now());

  async function graphql(query: string, variables: Record<string, unknown>, bearer: string): Promise<Answer> {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  }

  beforeAll(async () => {
    world = await openWebhookWorld();
    graphqlUrl = world.url.replace('/webhooks/whatsapp', '/graphql');
    secret = world.app.get<AppConfig>(APP_CONFIG).auth.jwtSecret;
    await world.connectChannel();
    // Two conversations a month, so the tour reaches the limit.
    await world.bus.execute(new ChangeMonthlyLimitCommand(admin, { limit: 2, effectiveFrom: CONNECTED_AT }));
    world.clock.set(RECEIVED_AT);
  });

  afterAll(() => world.close());

  it('goes from a WhatsApp message to a counted, limited, audited conversation', async () => {
    const agent = token('acme', ['agent']);
    const adminToken = token('acme', ['admin'], 'admin-1');

    // 1. Meta delivers a message; it is stored before the 200, then becomes an open ticket.
    expect((await world.post(JSON.stringify(pywaPayload('message.json', 'text')))).status).toBe(200);
    await world.processed();
    const [last] = (await world.conversation()).slice(-1);
    const at = `${last.position.commit}:${last.position.prepare}`;
    const views = await graphql(
      'query ($at: String) { views(atLeastPosition: $at) { id ticketCount } }',
      { at },
      agent,
    );
    expect(views.data?.views).toEqual(
      expect.arrayContaining([
        { id: 'all-open', ticketCount: 1 },
        { id: 'unassigned', ticketCount: 1 },
      ]),
    );
    const list = await graphql(
      '{ tickets(viewId: "all-open") { nodes { id conversationId preview unreadCount } } }',
      {},
      agent,
    );
    const [ticket] = list.data?.tickets.nodes ?? [];
    expect(ticket).toMatchObject({ preview: 'Body Text', unreadCount: 1 });

    // 1b. The agent opens the chat at its newest messages, sees the name the sender gave WhatsApp, and reads it:
    //     the unread count goes to 0 and the read receipt (blue ticks) is recorded to be sent once.
    const opened = await graphql(
      `query ($c: ID!) { ticket(id: "${ticket.id}") { contactProfileName }
        conversation(id: $c) { thread(last: 20) { nodes { wamid } pageInfo { startCursor hasPreviousPage } } } }`,
      { c: ticket.conversationId },
      agent,
    );
    expect(opened.data?.ticket).toEqual({ contactProfileName: 'Test Name' });
    expect(opened.data?.conversation.thread.pageInfo).toEqual({ startCursor: null, hasPreviousPage: false });
    const markRead = 'mutation ($c: ID!) { markConversationRead(input: { conversationId: $c }) { position } }';
    const marked = await graphql(markRead, { c: ticket.conversationId }, agent);
    const unread = await graphql(
      'query ($at: String) { tickets(atLeastPosition: $at) { nodes { unreadCount } } }',
      { at: marked.data?.markConversationRead.position },
      agent,
    );
    expect(unread.data?.tickets.nodes).toEqual([{ unreadCount: 0 }]);
    expect((await graphql(markRead, { c: ticket.conversationId }, agent)).data?.markConversationRead).toEqual({
      position: null,
    });

    // 2. A reply inside the 24 hours is accepted (before 1 Nov 2024 it counts the session once).
    const reply = `mutation ($c: ID!, $t: String!, $k: String) {
      replyToConversation(input: { conversationId: $c, text: $t, idempotencyKey: $k }) { messageId position } }`;
    const accepted = await graphql(reply, { c: ticket.conversationId, t: 'How can we help?', k: 'r1' }, agent);
    expect(accepted.errors).toBeUndefined();
    const replyId = accepted.data?.replyToConversation.messageId;

    // 2b. A file: uploaded first (its type and size judged before a byte is read), then a reply's attachment.
    const upload = await fetch(`${graphqlUrl.replace('/graphql', '/media')}?fileName=invoice.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/pdf' },
      body: Buffer.from("%PDF-1.4\n% the tour's invoice\n"),
    });
    expect(upload.status).toBe(201);
    const { uploadId } = (await upload.json()) as { uploadId: string };
    const attachment = `mutation ($c: ID!, $u: ID!) { replyToConversation(input: { conversationId: $c,
      attachment: { uploadId: $u, caption: "Your invoice" }, idempotencyKey: "r-file" }) { messageId position } }`;
    const attached = await graphql(attachment, { c: ticket.conversationId, u: uploadId }, agent);
    expect(attached.errors).toBeUndefined();
    const withFile = await graphql(
      `
        query ($c: ID!, $at: String) {
          conversation(id: $c, atLeastPosition: $at) {
            thread(last: 1) {
              nodes {
                content {
                  ... on MediaContent {
                    kind
                    fileName
                    caption
                    state
                    url
                  }
                }
              }
            }
          }
        }
      `,
      { c: ticket.conversationId, at: attached.data?.replyToConversation.position },
      agent,
    );
    expect(withFile.data?.conversation.thread.nodes[0].content).toMatchObject({
      kind: 'DOCUMENT',
      fileName: 'invoice.pdf',
      caption: 'Your invoice',
      state: 'STORED',
      url: expect.stringMatching(/^\/media\//),
    });

    // 3. Meta reports it read (naming our message id): the thread shows the read time.
    const status = pywaPayload('message_status.json', 'read') as {
      entry: { changes: { value: { statuses: object[] } }[] }[];
    };
    const value = status.entry[0].changes[0].value;
    value.statuses = [{ ...value.statuses[0], id: 'wamid.reply-1', biz_opaque_callback_data: replyId }];
    expect((await world.post(JSON.stringify(status))).status).toBe(200);
    await world.processed();
    const [afterRead] = (await world.conversation()).slice(-1);
    const thread = `query ($c: ID!, $at: String) { conversation(id: $c, atLeastPosition: $at) {
      thread { nodes { id direction quarantine { reason } content { __typename ... on TextContent { body } } delivery { status readAt } } } } }`;
    const read = await graphql(
      thread,
      { c: ticket.conversationId, at: `${afterRead.position.commit}:${afterRead.position.prepare}` },
      agent,
    );
    const readReply = read.data?.conversation.thread.nodes.find((message: { id: string }) => message.id === replyId);
    expect(readReply.delivery).toMatchObject({ status: 'READ', readAt: expect.any(String) });

    // 3b. Meta's "sent" and "delivered" arrive after the "read": the status stays READ, their times are kept.
    const late = (name: 'sent' | 'delivered', timestamp: string) => {
      const payload = pywaPayload('message_status.json', name) as typeof status;
      const statusValue = payload.entry[0].changes[0].value;
      statusValue.statuses = [
        { ...statusValue.statuses[0], id: 'wamid.reply-1', biz_opaque_callback_data: replyId, timestamp },
      ];
      return world.post(JSON.stringify(payload));
    };
    const readAt = Number((value.statuses[0] as { timestamp: string }).timestamp);
    expect((await late('sent', String(readAt - 20))).status).toBe(200);
    expect((await late('delivered', String(readAt - 10))).status).toBe(200);
    await world.processed();
    const [afterLate] = (await world.conversation()).slice(-1);
    const lateRead = await graphql(
      `
        query ($c: ID!, $at: String) {
          conversation(id: $c, atLeastPosition: $at) {
            thread {
              nodes {
                id
                delivery {
                  status
                  sentAt
                  deliveredAt
                  readAt
                }
              }
            }
          }
        }
      `,
      { c: ticket.conversationId, at: `${afterLate.position.commit}:${afterLate.position.prepare}` },
      agent,
    );
    const seconds = (offset: number) => new Date((readAt + offset) * 1000).toISOString();
    expect(
      lateRead.data?.conversation.thread.nodes.find((message: { id: string }) => message.id === replyId).delivery,
    ).toEqual({ status: 'READ', sentAt: seconds(-20), deliveredAt: seconds(-10), readAt: seconds(0) });

    // 4. 25 hours after the contact wrote, a free-form reply is refused: send a template.
    world.clock.set(later(RECEIVED_AT, 25 * HOUR));
    const refused = await graphql(reply, { c: ticket.conversationId, t: 'Still there?', k: 'r2' }, agent);
    expect(refused.errors?.[0].extensions?.code).toBe('SESSION_CLOSED');

    // 5. An approved template goes out as a business-initiated conversation and is counted.
    const template = { accountId: 'account-1', name: 'follow_up', language: 'en' };
    const registered = await graphql(
      'mutation ($i: RegisterTemplateInput!) { registerTemplate(input: $i) { position } }',
      { i: { ...template, category: 'UTILITY', body: 'Hello {{1}}, is your issue solved?' } },
      adminToken,
    );
    expect(registered.errors).toBeUndefined();
    await graphql(
      'mutation ($i: ApproveTemplateInput!) { approveTemplate(input: $i) { position } }',
      { i: template },
      adminToken,
    );
    const send = `mutation ($c: ID!, $k: String) { sendTemplate(input: { conversationId: $c, name: "follow_up", language: "en",
      bodyParameters: ["Sam"], idempotencyKey: $k }) { messageId position } }`;
    const sent = await graphql(send, { c: ticket.conversationId, k: 't1' }, agent);
    expect(sent.errors).toBeUndefined();
    const usage = await graphql(
      'query ($at: String) { quotaUsage(atLeastPosition: $at) { used limit remaining } }',
      { at: sent.data?.sendTemplate.position },
      agent,
    );
    expect(usage.data?.quotaUsage).toEqual({ used: 2, limit: 2, remaining: 0 });

    // 6. The next business-initiated conversation is over the monthly limit: refused, nothing sent.
    const overLimit = await graphql(send, { c: ticket.conversationId, k: 't2' }, agent);
    expect(overLimit.errors?.[0].extensions?.code).toBe('MONTHLY_LIMIT_REACHED');

    // 7. Quarantined: the message keeps its place, its text is gone from every answer.
    const inbound = read.data?.conversation.thread.nodes.find(
      (message: { direction: string }) => message.direction === 'INBOUND',
    );
    const quarantined = await graphql(
      'mutation ($c: ID!, $m: ID!) { quarantineMessage(input: { conversationId: $c, messageId: $m, reason: "phishing" }) { position } }',
      { c: ticket.conversationId, m: inbound.id },
      agent,
    );
    const afterQuarantine = await graphql(
      thread,
      { c: ticket.conversationId, at: quarantined.data?.quarantineMessage.position },
      agent,
    );
    expect(afterQuarantine.data?.conversation.thread.nodes[0]).toMatchObject({
      id: inbound.id,
      quarantine: { reason: 'phishing' },
      content: null,
    });
    expect(JSON.stringify(afterQuarantine)).not.toContain('Body Text');
    const searched = await graphql('{ tickets(search: "Body Text") { totalCount } }', {}, agent);
    expect(searched.data?.tickets.totalCount).toBe(0);

    // 8. Another portal's agent sees none of it.
    const stranger = token('globex', ['agent', 'admin', 'auditor'], 'agent-9');
    expect((await graphql('{ tickets { totalCount } }', {}, stranger)).data?.tickets.totalCount).toBe(0);
    expect((await graphql(thread, { c: ticket.conversationId }, stranger)).data?.conversation).toBeNull();
    const strangerReply = await graphql(reply, { c: ticket.conversationId, t: 'hi', k: 'x' }, stranger);
    expect(strangerReply.errors?.[0].extensions?.code).toBe('CONVERSATION_NOT_FOUND');
  });

  it('starts a conversation from a contact record, or sends the agent to the open thread', async () => {
    const agent = token('acme', ['agent']);
    await world.bus.execute(
      new ChangeMonthlyLimitCommand(admin, { limit: 10, effectiveFrom: world.clock.now().toISOString() }),
    );
    const [open] =
      (
        await graphql(
          '{ tickets(viewId: "all-open") { nodes { conversationId phoneNumberId contactPhone } } }',
          {},
          agent,
        )
      ).data?.tickets.nodes ?? [];

    // 9. A contact who never wrote: a template from one of the portal's numbers opens the thread and its ticket.
    const created = await graphql(
      'mutation ($i: CreateContactInput!) { createContact(input: $i) { contactId } }',
      { i: { name: 'Noor', mobilePhoneNumber: '+31 6 12345678' } },
      agent,
    );
    const contactId = created.data?.createContact.contactId;
    const start = `mutation ($i: StartConversationInput!) {
      startConversation(input: $i) { conversationId ticketId messageId position } }`;
    const input = {
      fromPhoneNumberId: open.phoneNumberId,
      name: 'follow_up',
      language: 'en',
      bodyParameters: ['Noor'],
    };
    const started = await graphql(start, { i: { ...input, contactId, idempotencyKey: 'start-noor' } }, agent);
    expect(started.errors).toBeUndefined();
    const { conversationId, ticketId, position } = started.data?.startConversation ?? {};
    const list = await graphql(
      'query ($at: String) { tickets(viewId: "all-open", atLeastPosition: $at) { nodes { id conversationId preview contact { name } } } }',
      { at: position },
      agent,
    );
    expect(list.data?.tickets.nodes).toContainEqual({
      id: ticketId,
      conversationId,
      preview: 'Hello Noor, is your issue solved?',
      contact: { name: 'Noor' },
    });

    // 10. A thread with the contact is open on that number: the agent is sent to it, nothing is sent.
    const again = await graphql(start, { i: { ...input, phone: open.contactPhone, idempotencyKey: 'start-2' } }, agent);
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONVERSATION_EXISTS',
      conversationId: open.conversationId,
    });

    // 11. A campaign: the template to many contacts, once each (Noor has an open thread on that
    // number: the template goes there); its progress counts Meta's answers as they come.
    const campaign = await graphql(
      `
        mutation ($i: SendTemplateCampaignInput!) {
          sendTemplateCampaign(input: $i) {
            campaignId
            position
          }
        }
      `,
      {
        i: {
          ...{ fromPhoneNumberId: open.phoneNumberId, name: 'follow_up', language: 'en' },
          ...{ recipients: [{ contactId, bodyParameters: ['Noor'] }], idempotencyKey: 'campaign-1' },
        },
      },
      agent,
    );
    const { campaignId, position: startedAt } = campaign.data?.sendTemplateCampaign ?? {};
    await world.app.get(CampaignRunner).whenIdle(parsePosition(startedAt)!);
    const head = await headPosition(world.app.get<symbol, EventStore>(EVENT_STORE));
    const progress = await graphql(
      'query ($id: ID!, $p: String) { campaign(id: $id, atLeastPosition: $p) { state stopReason total accepted refused sent failed } }',
      { id: campaignId, p: formatPosition(head!) },
      agent,
    );
    expect(progress.data?.campaign).toMatchObject({ state: 'COMPLETED', stopReason: null, total: 1, accepted: 1 });
  });
});
