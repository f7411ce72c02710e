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
