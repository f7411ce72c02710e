import { EVENT_STORE } from '@helpdesk/event-store';
import { metaAnswers, deliver } from '../outbound/delivery.test-world.js';
import type { World } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../view/views.test-world.js';
import { acme, contactPhone } from './tickets.test-world.js';

const RESEND =
  'mutation($input: ResendOutboundMessageInput!) { resendOutboundMessage(input: $input) { conversationId messageId position } }';
const REPLY =
  'mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { conversationId messageId position } }';

/** Resending (agents) over real HTTP. */
describe('resend mutation GraphQL API', () => {
  let world: ViewsWorld;
  let agent: string;

  beforeAll(async () => {
    world = await openViewsWorld();
    agent = await world.tokenFor(acme, 'anna', 'agent');
  });

  afterAll(() => world.close());

  it('resends a reply only once its delivery is unknown', async () => {
    const { conversationId } = await world.receiveFrom(contactPhone, 'wamid.1', 'Hello?');
    const reply = await world.ok<{ messageId: string }>(
      REPLY,
      { input: { conversationId, text: 'On our way' } },
      agent,
    );
    const input = { conversationId, messageId: reply.messageId };
    expect(refusal(await world.graphql(RESEND, { input }, agent))).toEqual({ code: 'INVALID_COMMAND' });

    // The dispatcher is off in this app (no access token): deliver it here, Meta never answering.
    const store = world.app.get(EVENT_STORE);
    await deliver({ store, clock: world.clock } as unknown as World, reply.messageId, [metaAnswers.noAnswer()]);
    const resent = await world.ok<{ position: string | null }>(RESEND, { input }, agent);
    expect(resent).toMatchObject({ ...input, position: expect.stringMatching(/^\d+:\d+$/) });
    expect(refusal(await world.graphql(RESEND, { input: { conversationId } }, agent))).toEqual({
      code: 'BAD_USER_INPUT',
      fields: ['messageId'],
    });
    expect(refusal(await world.graphql(RESEND, { input }, await world.tokenFor(acme, 'audrey', 'auditor')))).toEqual({
      code: 'FORBIDDEN',
    });
  });
});
