import type { World } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { conversationOf, later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { GraphApi, GraphCall } from './graph-api-client.js';
import { MessageDelivery } from './message-delivery.js';
import { DEFAULT_THROUGHPUT, NumberRateLimiter } from './number-rate-limiter.js';
import { RequestSlots } from './request-slots.js';

/** Meta's answers, one per call, as the Graph API client reports them. */
export const metaAnswers = {
  accepted: (wamid: string): GraphCall => ({
    outcome: 'answered',
    httpStatus: 200,
    body: { messages: [{ id: wamid }] },
  }),
  refused: (code: number, message: string, details: string): GraphCall => ({
    outcome: 'answered',
    httpStatus: 400,
    body: { error: { code, message, error_data: { details }, fbtrace_id: 'trace-1' } },
  }),
  throttled: (): GraphCall => ({
    outcome: 'answered',
    httpStatus: 400,
    body: { error: { code: 130429, message: 'Rate limit hit' } },
  }),
  noAnswer: (): GraphCall => ({ outcome: 'no_answer', reason: 'socket hang up' }),
};

/**
 * The production delivery path (record the attempt, call Meta, record the answer) with Meta's
 * answers scripted; waits for a retry move the test clock instead of sleeping.
 */
export async function deliver(world: World, messageId: string, answers: GraphCall[], phone?: string): Promise<void> {
  const graph: GraphApi = { sendMessage: async () => answers.shift() ?? metaAnswers.noAnswer() };
  const sleep = async (ms: number) => (world.clock.set(later(world.clock.now().toISOString(), ms)), true as const);
  const delivery = new MessageDelivery({
    store: world.store,
    graph,
    clock: world.clock,
    random: () => 0.5,
    sleep,
    slots: new RequestSlots(1),
    limiter: new NumberRateLimiter(DEFAULT_THROUGHPUT, () => world.clock.now().getTime(), sleep),
    settings: { staleAttemptMs: 60_000, backoff: DEFAULT_BACKOFF, storeRetryMs: 10, storeRetryMaxMs: 100 },
    isStopping: () => false,
  });
  await delivery.deliver(conversationOf(phone), messageId);
}
