import { conversationStreamName } from '@helpdesk/domain';
import { onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import { admin, agent, conversationOf } from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  MarkConversationReadCommand,
  MarkConversationReadHandler,
} from '@helpdesk/commands/conversation/mark-conversation-read.handler.js';
import {
  ChangeReadReceiptsToContactsCommand,
  ChangeReadReceiptsToContactsHandler,
} from '@helpdesk/commands/portal/change-read-receipts.handler.js';
import { graphErrors } from '@helpdesk/fake-graph-api';
import { ACCESS_TOKEN, type OutboundWorld, contacts, openOutboundWorld } from './outbound.test-world.js';

/** Read receipts (blue ticks) go through the dispatcher like messages: recorded first, sent at most once. */
describe('Read receipts against the fake Graph API', () => {
  let outbound: OutboundWorld;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
  });

  afterEach(() => outbound.close());

  const markRead = (phone = contacts[0]) =>
    new MarkConversationReadHandler(outbound.world.store, outbound.world.clock).execute(
      new MarkConversationReadCommand(agent(), conversationOf(phone)),
    );
  const readTypes = async (phone = contacts[0]) => {
    const types: string[] = [];
    for await (const event of outbound.world.store.readStream(conversationStreamName(conversationOf(phone)))) {
      if (/Read/.test(event.type)) types.push(event.type);
    }
    return types;
  };

  it("sends Meta's read receipt for the contact's last message once, and never again on a replay or a restart", async () => {
    const dispatcher = outbound.startDispatcher();
    const { position } = await markRead();
    await dispatcher.whenIdle(position);

    expect(outbound.graph.readReceipts).toHaveLength(1);
    const [receipt] = outbound.graph.readReceipts;
    expect(receipt).toMatchObject({ method: 'POST', authorization: `Bearer ${ACCESS_TOKEN}`, outcome: 200 });
    expect(receipt.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in-0' });
    expect(await readTypes()).toEqual([
      'ConversationMarkedRead',
      'ReadReceiptRequested',
      'ReadReceiptSendAttempted',
      'ReadReceiptSent',
    ]);

    // Marked read again with no new message: nothing recorded, nothing sent.
    expect((await markRead()).recorded).toEqual([]);
    await dispatcher.stop();
    const restarted = outbound.startDispatcher({ settings: { checkpointEvery: 1 } });
    await restarted.whenIdle();
    const fromTheStart = outbound.startDispatcher();
    await fromTheStart.whenIdle();
    expect(outbound.graph.readReceipts).toHaveLength(1);
  });

  it("records Meta's refusal as the receipt's end, without retrying", async () => {
    outbound.graph.script(graphErrors.invalidParameter('Unknown message'));
    const dispatcher = outbound.startDispatcher();
    await dispatcher.whenIdle((await markRead()).position);

    expect(outbound.graph.readReceipts).toHaveLength(1);
    expect((await readTypes()).slice(-1)).toEqual(['ReadReceiptFailed']);
  });

  it('never repeats an attempt left without an outcome by a dispatcher that stopped during the call', async () => {
    const { position } = await markRead();
    // The attempt is recorded, then the process died before Meta's answer was recorded.
    let messageId = '';
    for await (const event of outbound.world.store.readStream(conversationStreamName(conversationOf(contacts[0])))) {
      if (event.type === 'ReadReceiptRequested') messageId = (event.data as { messageId: string }).messageId;
    }
    const context = { portalId: 'acme', actor: admin.actor, now: outbound.world.clock.now() };
    const attempt = { type: 'RecordReadReceiptAttempt', data: { messageId }, context } as const;
    await onConversation(outbound.world.store, conversationOf(contacts[0]), attempt, admin);
    const dispatcher = outbound.startDispatcher();
    await dispatcher.whenIdle(position);

    expect(outbound.graph.readReceipts).toEqual([]);
    expect((await readTypes()).slice(-2)).toEqual(['ReadReceiptSendAttempted', 'ReadReceiptFailed']);
  });

  it('sends nothing once an admin turned read receipts to contacts off, while the read is still recorded', async () => {
    await new ChangeReadReceiptsToContactsHandler(outbound.world.store, outbound.world.clock).execute(
      new ChangeReadReceiptsToContactsCommand(admin, { enabled: false }),
    );
    expect((await markRead()).recorded).toEqual(['ConversationMarkedRead']);
    await outbound.startDispatcher().whenIdle();

    expect(outbound.graph.readReceipts).toEqual([]);
    expect(await readTypes()).toEqual(['ConversationMarkedRead']);
  });
});
