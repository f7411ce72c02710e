import { conversationStreamName } from '@helpdesk/domain';
import { conversationOf, phoneNumberId } from '@helpdesk/commands/conversation/conversation.test-world.js';
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
});
