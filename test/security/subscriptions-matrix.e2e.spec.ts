import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { MetricsRegistry } from '../../apps/api/src/metrics/metrics-registry.js';
import { Subscriber } from '../../apps/api/src/notifications/subscriber.test-world.js';
import { refusedRoles } from './field-matrix.js';
import { EVERY_ROLE, type MatrixWorld, openMatrixWorld } from './matrix-world.js';
import { CONTACT_PHONE, type PortalIds } from './seed-portals.js';
import { CONVERSATION_SUBSCRIPTIONS, SUBSCRIPTION_FIELDS } from './subscription-fields.matrix.js';

const fields = Object.entries(SUBSCRIPTION_FIELDS);
const conversationFields = fields.filter(([field]) => CONVERSATION_SUBSCRIPTIONS.includes(field));

/** The matrix for subscriptions, over a real WebSocket: another portal hears nothing of the victim, other roles are refused. */
describe('the tenant × role matrix for subscriptions', () => {
  let matrix: MatrixWorld;
  const subscribers: Subscriber[] = [];
  const subscriber = (token?: string) => {
    const created = new Subscriber(matrix.world.url, token);
    subscribers.push(created);
    return created;
  };

  beforeAll(async () => {
    matrix = await openMatrixWorld({ listen: true });
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((each) => each.close()));
    await matrix.world.close();
  });

  it.each(conversationFields)(
    "%s: another portal's token, with every role, hears nothing of the victim's conversation",
    async (field, rule) => {
      const { query, variables } = rule.probe(matrix.acme);
      const intruder = subscriber(matrix.world.token('globex', EVERY_ROLE, 'intruder'));
      const aimed = intruder.subscribe(query, variables);
      // Its own portal's events, on the same socket: once they arrive, anything of acme's would have too.
      const barrier = intruder.subscribe(`subscription { ${field} { conversationId } }`);
      const owner = subscriber(matrix.world.token('acme', ['agent'])).subscribe(query, variables);
      await started(field, 3);

      await receive(matrix.acme, `${matrix.acme.marker} for ${field}`);
      await receive(matrix.globex, `globex news for ${field}`);

      const [heard] = await owner.whenReceived(1);
      expect(heard.data?.[field]).toMatchObject({ conversationId: matrix.acme.conversationId });
      const [own] = await barrier.whenReceived(1);
      expect(own.data?.[field]).toMatchObject({ conversationId: matrix.globex.conversationId });
      expect({
        aimed: aimed.received,
        barrier: barrier.received.map((delivery) => delivery.data?.[field]?.conversationId),
      }).toEqual({
        aimed: [],
        barrier: [matrix.globex.conversationId],
      });
    },
  );

  it.each(fields)("%s: the victim's own token without agent or admin is FORBIDDEN", async (_field, rule) => {
    const { query, variables } = rule.probe(matrix.acme);
    for (const role of refusedRoles(rule)) {
      const refused = subscriber(matrix.world.token('acme', [role])).subscribe(query, variables);
      expect({ role, ended: await refused.whenEnded() }).toEqual({
        role,
        ended: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })],
      });
    }
  });

  it("campaignProgress: another portal's token, with every role, hears nothing of the victim's campaign", async () => {
    const { query, variables } = SUBSCRIPTION_FIELDS.campaignProgress.probe(matrix.acme);
    const intruder = subscriber(matrix.world.token('globex', EVERY_ROLE, 'intruder'));
    const aimed = intruder.subscribe(query, variables);
    // Its own campaign on the same socket: it hears it as it stands now, so anything of acme's would have come first.
    const barrier = intruder.subscribe(query, { id: matrix.globex.campaignId });
    const owner = subscriber(matrix.world.token('acme', ['agent'])).subscribe(query, variables);

    const [heard] = await owner.whenReceived(1);
    expect(heard.data?.campaignProgress).toMatchObject({ id: matrix.acme.campaignId, state: 'COMPLETED' });
    const [own] = await barrier.whenReceived(1);
    expect(own.data?.campaignProgress).toMatchObject({ id: matrix.globex.campaignId });
    expect(aimed.received).toEqual([]);
    expect(JSON.stringify(own)).not.toContain(matrix.acme.marker);
  });

  it("messageDeliveryChanged: another portal's token, with every role, hears nothing of the victim's deliveries, and the victim's conversation id answers like an unknown one", async () => {
    const { query, variables } = SUBSCRIPTION_FIELDS.messageDeliveryChanged.probe(matrix.acme);
    const intruder = subscriber(matrix.world.token('globex', EVERY_ROLE, 'intruder'));
    const aimed = intruder.subscribe(query, variables);
    const unknown = intruder.subscribe(query, { c: 'globex-no-such-conversation' });
    const everything = intruder.subscribe('subscription { messageDeliveryChanged { conversationId messageId } }');
    // Its own portal's delivery, on the same socket: once it arrives, anything of acme's would have too.
    const barrier = intruder.subscribe(query, { c: matrix.globex.conversationId });
    const owner = subscriber(matrix.world.token('acme', ['agent'])).subscribe(query, variables);
    await started('messageDeliveryChanged', 5);

    await deliveryStatus(matrix.acme, 'failed');
    await deliveryStatus(matrix.globex, 'read');

    const [heard] = await owner.whenReceived(1);
    expect(heard.data?.messageDeliveryChanged).toMatchObject({
      conversationId: matrix.acme.conversationId,
      messageId: matrix.acme.outboundMessageId,
    });
    const [own] = await barrier.whenReceived(1);
    expect(own.data?.messageDeliveryChanged).toMatchObject({ conversationId: matrix.globex.conversationId });
    await everything.whenReceived(1);
    const state = (subscription: typeof aimed) => ({ received: subscription.received, ended: subscription.ended });
    // The victim's conversation id is accepted and silent, exactly like an id that exists nowhere.
    expect(state(aimed)).toEqual({ received: [], ended: undefined });
    expect(state(aimed)).toEqual(state(unknown));
    const everyConversation = everything.received.map(
      (delivery) => delivery.data?.messageDeliveryChanged?.conversationId,
    );
    expect(new Set(everyConversation)).toEqual(new Set([matrix.globex.conversationId]));
    expect(JSON.stringify([everything.received, own])).not.toContain(matrix.acme.conversationId);
  });

  it.each([
    ['a malformed afterPosition', { afterPosition: 'yesterday' }, 'BAD_USER_INPUT'],
    ['a huge afterPosition', { afterPosition: '1'.repeat(10_000) }, 'BAD_USER_INPUT'],
    ['a huge conversationId', { conversationId: `acme-${'x'.repeat(10_000)}` }, 'BAD_USER_INPUT'],
    ['an empty conversationId', { conversationId: '' }, 'BAD_USER_INPUT'],
  ])('messageDeliveryChanged: %s is refused before anything is read', async (_case, variables, code) => {
    const refused = subscriber(matrix.world.token('acme', ['agent'])).subscribe(
      'subscription ($conversationId: ID, $afterPosition: String) { messageDeliveryChanged(conversationId: $conversationId, afterPosition: $afterPosition) { messageId } }',
      variables,
    );
    expect(JSON.stringify(await refused.whenEnded())).toContain(code);
    expect(refused.received).toEqual([]);
  });

  it('refuses a connection without a token before any subscription: 4403 Forbidden, as graphql-transport-ws says', async () => {
    await expect(subscriber(undefined).connected()).rejects.toMatchObject({ code: 4403, reason: 'Forbidden' });
  });

  let wamids = 0;
  function receive(portal: PortalIds, body: string) {
    const message = {
      phoneNumberId: portal.phoneNumberId,
      wamid: `wamid.sub-${++wamids}`,
      from: CONTACT_PHONE,
      sentAt: matrix.world.clock.now().toISOString(),
    };
    return matrix.world.bus.execute(new ReceiveInboundMessageCommand({ ...message, content: { kind: 'text', body } }));
  }

  /** Meta's status webhook for the portal's reply (seeded without Meta's id: recorded here first). */
  async function deliveryStatus(portal: PortalIds, status: 'read' | 'failed') {
    const meta = { portalId: portal.portalId, actor: { kind: 'whatsapp' as const, id: portal.phoneNumberId } };
    const wamid = `wamid.out-${portal.portalId}`;
    const { bus, clock } = matrix.world;
    await bus.execute(
      new RunConversationCommand(meta, portal.conversationId, 'RecordOutboundWamid', {
        messageId: portal.outboundMessageId,
        wamid,
      }),
    );
    const error = status === 'failed' ? { error: { code: 131026, title: `${portal.marker} undeliverable` } } : {};
    await bus.execute(
      new RunConversationCommand(meta, portal.conversationId, 'RecordDeliveryStatus', {
        wamid,
        status,
        at: clock.now().toISOString(),
        ...error,
      }),
    );
  }

  /** Resolves once the server has registered `count` more subscriptions of this kind (no sleeping). */
  const seen = new Map<string, number>();
  async function started(kind: string, count: number): Promise<void> {
    const counter = matrix.world.app
      .get(MetricsRegistry)
      .counter('graphql_subscriptions_started_total', '', ['subscription']);
    const target = (seen.get(kind) ?? 0) + count;
    seen.set(kind, target);
    while (counter.get({ subscription: kind }) < target) await new Promise((resolve) => setImmediate(resolve));
  }
});
