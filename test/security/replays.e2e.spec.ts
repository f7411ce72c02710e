import type { RecordedEvent } from '@helpdesk/event-store';
import { conversationStreamName } from '@helpdesk/domain';
import { inboxStreamName, isInboxStream, payloadSha256 } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { signWhatsAppPayload } from '../../apps/api/src/webhooks/whatsapp-signature.js';
import { collect } from '../support/async-results.js';
import { APP_SECRET, type PortalsWorld, openPortalsWorld } from './portals.world.js';
import { CONTACT_PHONE, type PortalIds, seedPortal } from './seed-portals.js';

/**
 * The replay class, over HTTP: what is sent again must not be recorded again, and a key that was
 * used must not be used for something else.
 * - Meta resends the same signed bytes until it hears 200: stored once, 200 every time.
 * - A client's idempotency key names one mutation with one input: the same again is answered as
 *   done and appends nothing; anything else under it is refused with IDEMPOTENCY_KEY_REUSED and
 *   appends nothing (it used to be recorded, with the first request's event id).
 * - Keys are claimed per portal, never trusted: the same key (even by a user id that exists in
 *   both portals) in another portal is another key.
 */
describe('replays', () => {
  let world: PortalsWorld;
  let acme: PortalIds;
  let globex: PortalIds;
  /** The same user id in both portals: only the portal tells their keys apart. */
  const agentOf = (portalId: string) => world.token(portalId, ['agent', 'admin'], 'same-user-id');

  const reply = (portal: PortalIds, text: string, idempotencyKey: string) =>
    world.graphql(
      'mutation ($i: ReplyToConversationInput!) { replyToConversation(input: $i) { messageId position } }',
      { i: { conversationId: portal.conversationId, text, idempotencyKey } },
      agentOf(portal.portalId),
    );
  const ticket = (mutation: 'closeTicket' | 'reopenTicket', portal: PortalIds, idempotencyKey: string) =>
    world.graphql(
      `mutation ($i: ${mutation === 'closeTicket' ? 'CloseTicketInput' : 'ReopenTicketInput'}!) { ${mutation}(input: $i) { ticketId position } }`,
      { i: { conversationId: portal.conversationId, ticketId: portal.ticketId, idempotencyKey } },
      agentOf(portal.portalId),
    );
  const conversation = (portal: PortalIds): Promise<RecordedEvent[]> =>
    collect(world.store.readStream(conversationStreamName(portal.conversationId)));
  const codes = (answer: { errors?: readonly { extensions?: { code?: unknown } }[] }) =>
    answer.errors?.map((error) => error.extensions?.code);

  beforeAll(async () => {
    world = await openPortalsWorld();
    acme = await seedPortal(world, 'acme');
    globex = await seedPortal(world, 'globex');
    await world.settled();
  }, 60_000);

  afterAll(() => world.close());

  it('stores the same webhook bytes once when Meta sends them 25 times, answering 200 each time', async () => {
    const body = JSON.stringify(textMessage(acme, 'wamid.replayed-25', 'Until it got a 200'));
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': signWhatsAppPayload(body, APP_SECRET),
    };
    const head = await world.head();

    const statuses: number[] = [];
    for (let resend = 0; resend < 25; resend++)
      statuses.push((await world.post('/webhooks/whatsapp', body, headers)).status);

    expect(statuses).toEqual(Array(25).fill(200));
    const inbox = (await world.eventsAfter(head)).filter((event) => isInboxStream(event.streamName));
    expect(inbox.map((event) => event.streamName)).toEqual([inboxStreamName(payloadSha256(Buffer.from(body)))]);
    await world.settled(inbox[0].position);
    const received = (await conversation(acme)).filter(
      (event) => (event.data as { wamid?: string }).wamid === 'wamid.replayed-25',
    );
    expect(received.map((event) => event.type)).toEqual(['InboundMessageReceived']);
  });

  it('refuses the same idempotency key on another mutation, or on the same one with another input, appending nothing', async () => {
    const first = await reply(acme, 'Your order has shipped', 'key-reused');
    expect(first.errors).toBeUndefined();
    const head = await world.head();

    const otherMutation = await ticket('closeTicket', acme, 'key-reused');
    const otherInput = await reply(acme, 'Your order was cancelled', 'key-reused');

    expect(codes(otherMutation)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(codes(otherInput)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(otherMutation.status).toBeLessThan(500);
    expect(await world.eventsAfter(head)).toEqual([]);
    const ids = (await conversation(acme)).map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers the same mutation with the same key and input as already done, appending nothing', async () => {
    const closed = await ticket('closeTicket', acme, 'close-once');
    expect(closed.errors).toBeUndefined();
    const sent = await reply(acme, 'One reply, however often it is sent', 'reply-once');
    expect(sent.errors).toBeUndefined();
    const head = await world.head();

    const closedAgain = await ticket('closeTicket', acme, 'close-once');
    const sentAgain = await reply(acme, 'One reply, however often it is sent', 'reply-once');

    expect(closedAgain).toMatchObject({ data: { closeTicket: { ticketId: acme.ticketId, position: null } } });
    expect(closedAgain.errors).toBeUndefined();
    const firstReply = (sent.data as { replyToConversation: { messageId: string } }).replyToConversation;
    expect(sentAgain).toMatchObject({
      data: { replyToConversation: { messageId: firstReply.messageId, position: null } },
    });
    expect(await world.eventsAfter(head)).toEqual([]);
  });

  it("keeps portal B's use of portal A's key apart from A's", async () => {
    const inAcme = await reply(acme, 'From acme under a shared key', 'shared-key');
    const head = await world.head();

    const inGlobex = await ticket('closeTicket', globex, 'shared-key');

    expect(inAcme.errors).toBeUndefined();
    expect(inGlobex.errors).toBeUndefined();
    const appended = await world.eventsAfter(head);
    expect(appended.map((event) => [event.streamName, event.type, event.metadata.tenantId])).toEqual([
      [conversationStreamName(globex.conversationId), 'TicketClosed', 'globex'],
    ]);
  });
});

/** A text message from the seeded contact to the portal's number, in Meta's envelope. */
function textMessage(portal: PortalIds, wamid: string, body: string) {
  const from = CONTACT_PHONE.replace('+', '');
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: `${portal.portalId}-waba`,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: portal.displayNumber.replace('+', ''),
                phone_number_id: portal.phoneNumberId,
              },
              contacts: [{ profile: { name: 'Test Name' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: wamid,
                  timestamp: String(Math.floor(Date.parse('2024-11-05T09:00:00.000Z') / 1000)),
                  type: 'text',
                  text: { body },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
