import { conversationStreamName } from '@helpdesk/domain';
import { agent, conversationOf, phoneNumberId } from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  MarkConversationReadCommand,
  MarkConversationReadHandler,
} from '@helpdesk/commands/conversation/mark-conversation-read.handler.js';
import { type OutboundWorld, VirtualTimers, contacts, openOutboundWorld } from './outbound.test-world.js';

/** The most of these times (ms) in any window [t, t + 1000) starting at one of them. */
function mostInAnySecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + 1000).length));
}

describe("The outbound dispatcher keeps each number within Meta's messages per second", () => {
  let outbound: OutboundWorld;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
  });

  afterEach(() => outbound.close());

  const replyToEveryContact = () => Promise.all(contacts.map((phone) => outbound.reply(`News for ${phone}`, phone)));

  async function attemptTimes(): Promise<number[]> {
    const times: number[] = [];
    for (const phone of contacts) {
      for (const event of await outbound.world.eventsOf(conversationStreamName(conversationOf(phone)))) {
        if (event.type === 'OutboundSendAttempted') times.push(Date.parse((event.data as { at: string }).at));
      }
    }
    return times.sort((a, b) => a - b);
  }

  it('records and sends no more attempts in any second of the clock than the number allows, each once', async () => {
    // Virtual time: a wait moves the test clock, nothing really waits.
    const dispatcher = outbound.startDispatcher({ settings: { messagesPerSecondByNumber: { [phoneNumberId]: 2 } } });
    const accepted = await replyToEveryContact();
    const last = accepted.map((receipt) => receipt.position!).reduce((a, b) => (a.commit > b.commit ? a : b));
    await dispatcher.whenIdle(last);

    const times = await attemptTimes();
    expect(times).toHaveLength(contacts.length);
    expect(mostInAnySecond(times)).toBeLessThanOrEqual(2);
    expect(new Set(times).size).toBeGreaterThanOrEqual(3);
    expect(outbound.graph.requests).toHaveLength(contacts.length);
    for (const { messageId } of accepted) expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
  });

  it('records nothing for a message still waiting for room when the dispatcher stops; it is sent once later', async () => {
    // Time stands still: the second message waits for the number's next second until the stop.
    const settings = { messagesPerSecondByNumber: { [phoneNumberId]: 1 } };
    const stillTime = new VirtualTimers(outbound.world.clock, false);
    const dispatcher = outbound.startDispatcher({ settings, timers: stillTime });
    const [first, second] = await Promise.all(contacts.slice(0, 2).map((phone) => outbound.reply('Hello', phone)));
    await outbound.graph.whenReceived(1);
    const sentFirst = outbound.graph.requests.map(
      (request) => (request.body as { biz_opaque_callback_data: string }).biz_opaque_callback_data,
    );
    const waiting = sentFirst[0] === first.messageId ? second : first;
    await dispatcher.stop();

    const waitingPhone = waiting === first ? contacts[0] : contacts[1];
    expect(await outbound.typesOf(waiting.messageId, waitingPhone)).toEqual(['ReplyAccepted']);
    expect(outbound.graph.requests).toHaveLength(1);

    const restarted = outbound.startDispatcher({ settings });
    await restarted.whenIdle(second.position!.commit > first.position!.commit ? second.position : first.position);
    expect(outbound.graph.requestsFor(waiting.messageId)).toHaveLength(1);
    expect(outbound.graph.requests).toHaveLength(2);
  });

  it("counts read receipts: they are calls to the same messages endpoint, within the same number's second", async () => {
    const dispatcher = outbound.startDispatcher({ settings: { messagesPerSecondByNumber: { [phoneNumberId]: 1 } } });
    const reply = await outbound.reply('Your order shipped', contacts[0]);
    const read = await new MarkConversationReadHandler(outbound.world.store, outbound.world.clock).execute(
      new MarkConversationReadCommand(agent(), conversationOf(contacts[1])),
    );
    await dispatcher.whenIdle(read.position!.commit > reply.position!.commit ? read.position : reply.position);

    const attempted: number[] = [];
    for (const phone of contacts.slice(0, 2)) {
      for (const event of await outbound.world.eventsOf(conversationStreamName(conversationOf(phone)))) {
        if (event.type === 'OutboundSendAttempted' || event.type === 'ReadReceiptSendAttempted')
          attempted.push(Date.parse((event.data as { at: string }).at));
      }
    }
    expect(attempted).toHaveLength(2);
    expect(Math.abs(attempted[0] - attempted[1])).toBeGreaterThanOrEqual(1000);
    expect(outbound.graph.readReceipts).toHaveLength(1);
  });
});
