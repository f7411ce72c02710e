import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { conversationStreamName } from '@helpdesk/domain';
import { ConnectAccountCommand, ConnectAccountHandler } from '@helpdesk/commands/channel/connect-account.handler.js';
import {
  DisconnectAccountCommand,
  DisconnectAccountHandler,
} from '@helpdesk/commands/channel/disconnect-account.handler.js';
import { ownershipNotChecked } from '@helpdesk/commands/channel/phone-number-ownership.js';
import {
  accountId,
  admin,
  businessPhone,
  conversationOf,
  phoneNumberId,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { CHECKPOINT_STREAM } from './dispatcher-checkpoint.js';
import { ACCESS_TOKEN, type OutboundWorld, VirtualTimers, contacts, openOutboundWorld } from './outbound.test-world.js';

describe('The outbound dispatcher against the fake Graph API and the embedded store', () => {
  let outbound: OutboundWorld;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
  });

  afterEach(() => outbound.close());

  it('never sends from a number another portal holds by the time the reply goes out', async () => {
    const { messageId, position } = await outbound.reply('Sent before the number moved');
    const { store, clock } = outbound.world;
    await new DisconnectAccountHandler(store, clock).execute(new DisconnectAccountCommand(admin, { accountId }));
    await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(
      new ConnectAccountCommand(
        { portalId: 'globex', actor: { kind: 'user', id: 'globex-admin' } },
        {
          ...{
            accountId: 'globex-account',
            wabaId: '2002',
            name: 'Globex',
            timeZone: 'Europe/Paris',
            accountType: 'business',
          },
          ...{ businessVerified: true, phoneNumbers: [{ phoneNumberId, displayNumber: businessPhone }] },
        },
      ),
    );

    const dispatcher = outbound.startDispatcher();
    await dispatcher.whenIdle(position);

    expect(outbound.graph.requests).toEqual([]);
    expect(await outbound.typesOf(messageId)).toEqual(['ReplyAccepted']);
  });

  it("sends an accepted reply exactly once, with the access token, and records Meta's id", async () => {
    const dispatcher = outbound.startDispatcher();
    const { messageId, position } = await outbound.reply('Your order shipped');
    await dispatcher.whenIdle(position);

    const [request, ...others] = outbound.graph.requests;
    expect(others).toEqual([]);
    expect(request).toMatchObject({
      method: 'POST',
      phoneNumberId,
      authorization: `Bearer ${ACCESS_TOKEN}`,
      outcome: 200,
    });
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '33612345678',
      biz_opaque_callback_data: messageId,
      type: 'text',
      text: { body: 'Your order shipped', preview_url: false },
    });
    const events = await outbound.eventsOf(messageId);
    expect(events.map((event) => event.type)).toEqual([
      'ReplyAccepted',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
    expect(events[1].data).toEqual({ messageId, attempt: 1, at: expect.any(String) });
    expect(events[2].data).toEqual({ messageId, wamid: expect.stringMatching(/^wamid\./) });
    expect(events[2].metadata).toMatchObject({
      actorId: 'system:outbound-dispatcher',
      correlationId: events[0].metadata.correlationId,
      causationId: events[0].id,
    });
  });

  it('sends an accepted template with its language and parameters', async () => {
    const dispatcher = outbound.startDispatcher();
    const { messageId, position } = await outbound.sendTemplate(['Ana', '42']);
    await dispatcher.whenIdle(position);

    expect(outbound.graph.requestsFor(messageId).map((request) => request.body)).toEqual([
      expect.objectContaining({
        type: 'template',
        template: {
          name: 'order_ready',
          language: { code: 'en_US', policy: 'deterministic' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ana' },
                { type: 'text', text: '42' },
              ],
            },
          ],
        },
      }),
    ]);
    expect(await outbound.typesOf(messageId)).toContain('OutboundWamidRecorded');
  });

  it('sends what was accepted while it was down exactly once, and nothing again after a restart', async () => {
    const accepted = [
      await outbound.reply('one', contacts[0]),
      await outbound.reply('two', contacts[1]),
      await outbound.reply('three', contacts[0]),
    ];
    const first = outbound.startDispatcher();
    await first.whenIdle(accepted[2].position);
    await first.stop();
    const second = outbound.startDispatcher();
    await second.whenIdle();

    for (const { messageId } of accepted) expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
    expect(outbound.graph.requests).toHaveLength(3);
    const [checkpoint] = await outbound.world.eventsOf(CHECKPOINT_STREAM).then((events) => events.slice(-1));
    expect(BigInt((checkpoint.data as { commit: string }).commit)).toBeGreaterThanOrEqual(accepted[2].position!.commit);
    expect(await outbound.world.store.getStreamMetadata(CHECKPOINT_STREAM)).toMatchObject({
      metadata: { maxCount: 10 },
    });
  });

  it("restarting from an old checkpoint re-reads each message's state and sends nothing twice", async () => {
    const dispatcher = outbound.startDispatcher();
    const { position } = await outbound.reply('one');
    await dispatcher.whenIdle(position);
    await dispatcher.stop();
    await outbound.world.store.deleteStream(CHECKPOINT_STREAM);

    const replay = outbound.startDispatcher();
    await replay.whenIdle();
    expect(outbound.graph.requests).toHaveLength(1);
  });

  it('sends many concurrent messages exactly once each, in order within a conversation, even with two dispatchers', async () => {
    // Time stands still: a dispatcher finding the other's attempt under way waits for its outcome.
    const timers = new VirtualTimers(outbound.world.clock, false);
    const dispatchers = [outbound.startDispatcher({ timers }), outbound.startDispatcher({ timers })];
    const accepted = await Promise.all(
      contacts.flatMap((phone) => [1, 2, 3, 4, 5].map((n) => outbound.reply(`message ${n} to ${phone}`, phone))),
    );
    const last = accepted.map((receipt) => receipt.position!).reduce((a, b) => (a.commit > b.commit ? a : b));
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.whenIdle(last)));

    expect(outbound.graph.requests).toHaveLength(accepted.length);
    for (const { messageId } of accepted) expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
    for (const phone of contacts) {
      const stream = await outbound.world.eventsOf(conversationStreamName(conversationOf(phone)));
      const acceptedOrder = stream
        .filter((event) => event.type === 'ReplyAccepted')
        .map((event) => (event.data as { messageId: string }).messageId);
      const sentOrder = outbound.graph.requests
        .filter((request) => (request.body as { to: string }).to === phone.slice(1))
        .map((request) => (request.body as { biz_opaque_callback_data: string }).biz_opaque_callback_data);
      expect(sentOrder).toEqual(acceptedOrder);
      expect(stream.filter((event) => event.type === 'OutboundWamidRecorded')).toHaveLength(5);
      expect(stream.filter((event) => event.type === 'OutboundDeliveryUnknown')).toEqual([]);
    }
  });

  it("on shutdown, waits for a call under way and records Meta's answer before stopping", async () => {
    outbound.graph.script({ kind: 'hang' });
    const dispatcher = outbound.startDispatcher();
    const { messageId } = await outbound.reply('Your order shipped');
    await outbound.graph.whenReceived(1);
    const stopped = dispatcher.stop();
    outbound.graph.releaseHung();
    await stopped;

    expect(await outbound.typesOf(messageId)).toEqual([
      'ReplyAccepted',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
  });

  it('stays off without an access token, says so, and leaves accepted messages pending', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const dispatcher = outbound.startDispatcher({ graph: null });
      const { messageId } = await outbound.reply('Your order shipped');
      await dispatcher.whenIdle();

      expect(dispatcher.enabled).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/WHATSAPP_ACCESS_TOKEN is not set/));
      expect(outbound.graph.requests).toEqual([]);
      expect(await outbound.typesOf(messageId)).toEqual(['ReplyAccepted']);
    } finally {
      warn.mockRestore();
    }
  });
});
