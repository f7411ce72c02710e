/**
 * Many messages against a Graph API that misbehaves at random (seeded): throughput limits,
 * server errors, proxy pages, slow answers, answers slower than our timeout, connections dropped
 * after the request was read. Whatever happens: no message is taken by Meta twice, nothing is
 * sent again once Meta may have it, every message ends in exactly one recorded outcome, and every
 * retry waited its backoff. The spec asserts these guarantees, never a timing: on a loaded machine an
 * answer the fake sent in time can reach us after our timeout, and 'unknown' is then the right outcome.
 */
import { createPrng } from '@helpdesk/demo';
import { type FakeAnswer, accept, graphErrors } from '@helpdesk/fake-graph-api';
import { backoffCeilingMs } from './backoff.js';
import type { GraphApi, GraphCall } from './graph-api-client.js';
import { type OutboundWorld, contacts, openOutboundWorld } from './outbound.test-world.js';

const SEED = Number(process.env.OUTBOUND_CHAOS_SEED ?? 8);
const MESSAGES_PER_CONTACT = 8;
const TIMEOUT_MS = 250;
const TERMINAL = ['OutboundWamidRecorded', 'OutboundMessageFailed', 'OutboundDeliveryUnknown'];

describe(`The dispatcher against a Graph API misbehaving at random (seed ${SEED})`, () => {
  let outbound: OutboundWorld;
  let sent: { messageId: string; phone: string }[];
  /**
   * What the dispatcher itself heard on each message's last call. On a loaded machine an answer the
   * fake sent in time can still reach us after our timeout: the outcome must follow what we heard.
   */
  const heard = new Map<string, GraphCall['outcome'] | 'answered_200'>();

  beforeAll(async () => {
    outbound = await openOutboundWorld();
    // Two generators: the fake's answers come in the same order however the dispatcher's jitter draws interleave with them.
    const answers = createPrng(SEED);
    const jitter = createPrng(SEED + 1);
    outbound.graph.otherwise((): FakeAnswer =>
      answers.pick<FakeAnswer>([
        accept,
        accept,
        accept,
        graphErrors.rateLimit(),
        graphErrors.rateLimit(),
        graphErrors.serverError(500),
        graphErrors.unavailable(),
        { kind: 'raw', httpStatus: 502, body: '<html>Bad gateway</html>' },
        { kind: 'delay', ms: 40, then: accept },
        { kind: 'delay', ms: TIMEOUT_MS * 3, then: accept },
        { kind: 'drop' },
      ]),
    );
    const client = outbound.client(TIMEOUT_MS);
    const listening: GraphApi = {
      async sendMessage(phoneNumberId, body) {
        const call = await client.sendMessage(phoneNumberId, body);
        const messageId = (body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data;
        const ok = call.outcome === 'answered' && call.httpStatus === 200;
        if (messageId) heard.set(messageId, ok ? 'answered_200' : call.outcome);
        return call;
      },
    };
    const dispatcher = outbound.startDispatcher({ graph: listening, random: () => jitter.next() });
    sent = [];
    let last;
    for (let n = 1; n <= MESSAGES_PER_CONTACT; n++) {
      for (const phone of contacts) {
        const receipt = await outbound.reply(`message ${n} to ${phone}`, phone);
        sent.push({ messageId: receipt.messageId, phone });
        last = receipt.position!;
      }
    }
    await dispatcher.whenIdle(last);
  }, 120_000);

  afterAll(() => outbound.close());

  const typesOf = async ({ messageId, phone }: { messageId: string; phone: string }) =>
    outbound.typesOf(messageId, phone);

  it('really misbehaved: retries, unknown deliveries and sent messages all happened', async () => {
    const outcomes = await Promise.all(
      sent.map(async (message) => (await typesOf(message)).filter((type) => TERMINAL.includes(type))),
    );
    const flat = outcomes.flat();
    expect(flat).toContain('OutboundWamidRecorded');
    expect(flat).toContain('OutboundDeliveryUnknown');
    const retried = await Promise.all(
      sent.map(async (message) => (await typesOf(message)).includes('OutboundRetryScheduled')),
    );
    expect(retried.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('ends every message in exactly one recorded outcome: none lost', async () => {
    for (const message of sent) {
      const outcomes = (await typesOf(message)).filter((type) => TERMINAL.includes(type));
      expect([message.messageId, outcomes.length]).toEqual([message.messageId, 1]);
    }
  });

  it('never sends a message again once Meta took it or may have taken it: none sent twice', () => {
    for (const { messageId } of sent) {
      const requests = outbound.graph.requestsFor(messageId);
      expect(requests.filter((request) => request.outcome === 200).length).toBeLessThanOrEqual(1);
      // Only a refusal that says "not taken" (a limit, a server error, a proxy page) is followed by another attempt.
      const followed = requests.slice(0, -1).map((request) => request.outcome);
      for (const outcome of followed)
        expect([messageId, typeof outcome === 'number' && (outcome === 400 || outcome >= 500)]).toEqual([
          messageId,
          true,
        ]);
    }
  });

  it("records Meta's id for a message answered in time, and 'unknown' for one whose answer never came", async () => {
    for (const message of sent) {
      const last = outbound.graph.requestsFor(message.messageId).at(-1)!;
      const outcome = (await typesOf(message)).filter((type) => TERMINAL.includes(type))[0];
      const weHeard = heard.get(message.messageId);
      expect([message.messageId, weHeard === undefined]).toEqual([message.messageId, false]);
      // A request the fake dropped or never answered has no answer on our side, however loaded the machine.
      if (last.outcome === 'dropped' || last.outcome === null)
        expect([message.messageId, outcome]).toEqual([message.messageId, 'OutboundDeliveryUnknown']);
      const expected =
        weHeard === 'answered_200'
          ? 'OutboundWamidRecorded'
          : weHeard === 'no_answer'
            ? 'OutboundDeliveryUnknown'
            : 'OutboundMessageFailed';
      expect([message.messageId, outcome]).toEqual([message.messageId, expected]);
      // A failure is only ever Meta's refusal as the fake sent it (never a 200 we turned into a failure).
      if (outcome === 'OutboundMessageFailed')
        expect([message.messageId, last.outcome !== 200 && typeof last.outcome === 'number']).toEqual([
          message.messageId,
          true,
        ]);
    }
  });

  it('waited before every retry: within the doubling ceiling, never earlier than scheduled', async () => {
    let retries = 0;
    for (const message of sent) {
      const events = await outbound.eventsOf(message.messageId, message.phone);
      const scheduled = events
        .filter((event) => event.type === 'OutboundRetryScheduled')
        .map((event) => event.data as { attempt: number; delayMs: number; retryAt: string });
      const attempts = events
        .filter((event) => event.type === 'OutboundSendAttempted')
        .map((event) => event.data as { attempt: number; at: string });
      for (const retry of scheduled) {
        retries++;
        expect(retry.delayMs).toBeGreaterThanOrEqual(0);
        expect(retry.delayMs).toBeLessThan(backoffCeilingMs(retry.attempt));
        const next = attempts.find((attempt) => attempt.attempt === retry.attempt + 1);
        if (next) expect(Date.parse(next.at)).toBeGreaterThanOrEqual(Date.parse(retry.retryAt));
      }
    }
    expect(retries).toBeGreaterThan(0);
  });
});
