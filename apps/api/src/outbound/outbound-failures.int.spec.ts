import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MAX_SEND_ATTEMPTS } from '@helpdesk/domain';
import { graphErrors } from '@helpdesk/fake-graph-api';
import {
  agent,
  conversationOf,
  phoneNumberId,
  portalId,
  refusalOf,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  RunConversationCommand,
  RunConversationCommandHandler,
} from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { backoffCeilingMs } from './backoff.js';
import { type GraphApi, HttpGraphApi } from './graph-api-client.js';
import { ACCESS_TOKEN, type OutboundWorld, openOutboundWorld, sequence } from './outbound.test-world.js';

const dataOf = async (outbound: OutboundWorld, messageId: string, type: string) =>
  (await outbound.eventsOf(messageId))
    .filter((event) => event.type === type)
    .map((event) => event.data as Record<string, unknown>);

/** A port nobody listens on: connecting is refused before anything is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("The outbound dispatcher facing Meta's errors", () => {
  let outbound: OutboundWorld;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
  });

  afterEach(() => outbound.close());

  async function sendOne(options: Parameters<OutboundWorld['startDispatcher']>[0] = {}) {
    const dispatcher = outbound.startDispatcher(options);
    const { messageId, position } = await outbound.reply('Your order shipped');
    await dispatcher.whenIdle(position);
    return messageId;
  }

  it('outside the 24-hour window (131047): records the failure and closes the session, so agents send a template', async () => {
    outbound.graph.script(graphErrors.reEngagement());
    const messageId = await sendOne();

    expect(await dataOf(outbound, messageId, 'OutboundMessageFailed')).toEqual([
      expect.objectContaining({
        code: 131047,
        title: 'Re-engagement message',
        message: expect.stringMatching(/more than 24 hours/),
        reason: 'outside_window',
        httpStatus: 400,
      }),
    ]);
    const types = await outbound.world.typesOf();
    expect(types.slice(-2)).toEqual(['OutboundMessageFailed', 'SessionClosed']);
    const next = new ReplyToContactCommand(agent(), conversationOf(), { kind: 'text', body: 'Hello?' });
    expect((await refusalOf(outbound.world.replies.execute(next))).code).toBe('SESSION_CLOSED');
    expect(outbound.graph.requests).toHaveLength(1);
  });

  it('retries a throughput limit (130429) after jittered waits within doubling bounds, then records the wamid', async () => {
    outbound.graph.script(graphErrors.rateLimit(), graphErrors.rateLimit(), graphErrors.rateLimit());
    const messageId = await sendOne({ random: sequence(0.9, 0.25, 0.6) });

    const retries = await dataOf(outbound, messageId, 'OutboundRetryScheduled');
    expect(retries.map((retry) => [retry.attempt, retry.code, retry.delayMs])).toEqual([
      [1, 130429, 1800],
      [2, 130429, 1000],
      [3, 130429, 4800],
    ]);
    const bounds = retries.map((retry) => backoffCeilingMs(retry.attempt as number));
    expect(bounds).toEqual([2000, 4000, 8000]);
    retries.forEach((retry, index) => expect(retry.delayMs).toBeLessThan(bounds[index]));
    expect(outbound.timers.delays).toEqual([1800, 1000, 4800]);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(4);
    expect((await outbound.typesOf(messageId)).slice(-2)).toEqual(['OutboundSendAttempted', 'OutboundWamidRecorded']);
  });

  it('retries server errors (5xx) three times with doubling waits, then succeeds', async () => {
    const proxyPage = { kind: 'raw', httpStatus: 502, body: '<html>Bad gateway</html>' } as const;
    outbound.graph.script(graphErrors.serverError(500), graphErrors.unavailable(), proxyPage);
    const messageId = await sendOne({ random: () => 0.5 });

    const retries = await dataOf(outbound, messageId, 'OutboundRetryScheduled');
    expect(retries.map((retry) => [retry.httpStatus, retry.code, retry.delayMs])).toEqual([
      [500, 131000, 1000],
      [503, 2, 2000],
      [502, null, 4000],
    ]);
    const attempts = await dataOf(outbound, messageId, 'OutboundSendAttempted');
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
    attempts.slice(1).forEach((attempt, index) => {
      expect(Date.parse(attempt.at as string)).toBeGreaterThanOrEqual(Date.parse(retries[index].retryAt as string));
    });
    expect(await dataOf(outbound, messageId, 'OutboundWamidRecorded')).toHaveLength(1);
  });

  it('resumes a retry scheduled before a restart, at its time, without losing or repeating an attempt', async () => {
    outbound.graph.script(graphErrors.rateLimit());
    let waiting!: () => void;
    const retryWaiting = new Promise<void>((resolve) => (waiting = resolve));
    const frozen: Timers = { setTimeout: () => waiting(), clearTimeout: () => undefined };
    const first = outbound.startDispatcher({ timers: frozen });
    const { messageId } = await outbound.reply('Your order shipped');
    await retryWaiting;
    await first.stop();

    const second = outbound.startDispatcher();
    await second.whenIdle();
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(2);
    expect((await outbound.typesOf(messageId)).slice(1)).toEqual([
      'OutboundSendAttempted',
      'OutboundRetryScheduled',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} attempts, with the last error`, async () => {
    outbound.graph.otherwise(graphErrors.rateLimit());
    const messageId = await sendOne();

    expect(outbound.graph.requestsFor(messageId)).toHaveLength(MAX_SEND_ATTEMPTS);
    expect(await dataOf(outbound, messageId, 'OutboundRetryScheduled')).toHaveLength(MAX_SEND_ATTEMPTS - 1);
    expect(await dataOf(outbound, messageId, 'OutboundMessageFailed')).toEqual([
      expect.objectContaining({ attempt: MAX_SEND_ATTEMPTS, code: 130429, reason: 'attempts_exhausted' }),
    ]);
  });

  it.each([
    ['an undeliverable message (131026)', graphErrors.undeliverable(), 131026, 'Message Undeliverable'],
    ['an invalid parameter (100)', graphErrors.invalidParameter('Parameter to is invalid'), 100, 'Invalid parameter'],
  ])("fails for good on %s, with Meta's code and text", async (_, answer, code, title) => {
    outbound.graph.script(answer);
    const messageId = await sendOne();

    expect(await dataOf(outbound, messageId, 'OutboundMessageFailed')).toEqual([
      expect.objectContaining({
        code,
        title,
        message: answer.error.error_data?.details,
        reason: 'refused',
        httpStatus: 400,
      }),
    ]);
    expect(outbound.graph.requests).toHaveLength(1);
  });

  it('fails for good on a wrong access token (190), without retrying', async () => {
    const wrongToken = new HttpGraphApi({ apiUrl: outbound.graph.url, accessToken: 'expired' });
    const messageId = await sendOne({ graph: wrongToken });

    expect(await dataOf(outbound, messageId, 'OutboundMessageFailed')).toEqual([
      expect.objectContaining({ code: 190, httpStatus: 401, reason: 'refused' }),
    ]);
  });

  it('retries when the connection is refused before anything was sent', async () => {
    const unreachable = new HttpGraphApi({
      apiUrl: `http://127.0.0.1:${await closedPort()}/v26.0`,
      accessToken: ACCESS_TOKEN,
    });
    const reachable = outbound.client();
    let calls = 0;
    const flaky: GraphApi = {
      sendMessage: (id, body) => (++calls === 1 ? unreachable : reachable).sendMessage(id, body),
    };
    const messageId = await sendOne({ graph: flaky });

    expect(await dataOf(outbound, messageId, 'OutboundRetryScheduled')).toEqual([
      expect.objectContaining({
        attempt: 1,
        code: null,
        httpStatus: null,
        message: expect.stringMatching(/ECONNREFUSED/),
      }),
    ]);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
    expect(await dataOf(outbound, messageId, 'OutboundWamidRecorded')).toHaveLength(1);
  });

  it.each([
    ['the connection drops after the request was received', { kind: 'drop' as const }, undefined],
    ['no answer comes within the timeout', { kind: 'hang' as const }, 100],
  ])('marks the delivery unknown, never resent, when %s', async (_, answer, timeoutMs) => {
    outbound.graph.script(answer);
    const messageId = await sendOne({ graph: outbound.client(timeoutMs) });

    expect(await outbound.typesOf(messageId)).toEqual([
      'ReplyAccepted',
      'OutboundSendAttempted',
      'OutboundDeliveryUnknown',
    ]);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
  });

  it("reconciles an unknown delivery from a status webhook carrying our id, and restores Meta's id", async () => {
    outbound.graph.script({ kind: 'drop' });
    const messageId = await sendOne();
    const meta = { portalId, actor: { kind: 'whatsapp' as const, id: phoneNumberId } };
    await new RunConversationCommandHandler(outbound.world.store, outbound.world.clock).execute(
      new RunConversationCommand(meta, conversationOf(), 'RecordDeliveryStatus', {
        ...{ messageId, wamid: 'wamid.recovered' },
        ...{ status: 'sent', at: '2025-03-10T10:00:05.000Z' },
      }),
    );

    expect((await outbound.typesOf(messageId)).slice(-2)).toEqual(['OutboundWamidRecorded', 'DeliveryStatusRecorded']);
    const resend = new RunConversationCommandHandler(outbound.world.store, outbound.world.clock);
    const refusal = await refusalOf(
      resend.execute(new RunConversationCommand(agent(), conversationOf(), 'ResendOutboundMessage', { messageId })),
    );
    expect(refusal.code).toBe('INVALID_COMMAND');
  });

  it('sends an unknown delivery again only when an agent asks, as attempt 2', async () => {
    outbound.graph.script({ kind: 'drop' });
    const dispatcher = outbound.startDispatcher();
    const { messageId, position } = await outbound.reply('Your order shipped');
    await dispatcher.whenIdle(position);
    const resend = new RunConversationCommandHandler(outbound.world.store, outbound.world.clock);
    const requested = await resend.execute(
      new RunConversationCommand(agent(), conversationOf(), 'ResendOutboundMessage', { messageId }),
    );
    await dispatcher.whenIdle(requested.position);

    expect(outbound.graph.requestsFor(messageId)).toHaveLength(2);
    const events = await outbound.eventsOf(messageId);
    expect(events.map((event) => event.type).slice(2)).toEqual([
      'OutboundDeliveryUnknown',
      'OutboundResendRequested',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
    expect(events[3].metadata.actorId).toBe('user:agent-1');
  });
});
