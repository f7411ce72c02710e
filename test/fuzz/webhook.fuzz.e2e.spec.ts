import type { Position, RecordedEvent } from '@helpdesk/event-store';
import { MetricsRegistry } from '../../apps/api/src/metrics/metrics-registry.js';
import { connectFixtureChannel } from '../../apps/api/src/webhooks/webhook.test-world.js';
import { inboxStreamName, isInboxStream, payloadSha256 } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { APP_SECRET, type PortalsWorld, openPortalsWorld } from '../security/portals.world.js';
import { failedCase, fuzzSettings } from './fuzz-settings.js';
import { Random } from './random.js';
import { type WebhookCase, webhookCase } from './webhook-cases.js';

const { seed, cases } = fuzzSettings(2_000, 20_240_801);

/**
 * POST /webhooks/whatsapp under random and mutated input: never a 5xx, the answer the README's
 * contract gives (413, 415, 401, then 400 or 200), every refusal with a JSON body saying why;
 * the first signed POST of some bytes is kept exactly once (as received, or as malformed), a later
 * POST of the same bytes adds nothing (Meta resends the same bytes until it hears 200, so the
 * inbox keeps each distinct payload once), nothing else is ever appended, and the inbox processor
 * handles whatever was kept without failing.
 */
describe(`the WhatsApp webhook under fuzz (FUZZ_SEED=${seed}, ${cases.length} cases)`, () => {
  let world: PortalsWorld;
  /** SHA-256 of every signed body kept so far: the same bytes again must add nothing. */
  const kept = new Set<string>();

  beforeAll(async () => {
    world = await openPortalsWorld();
    // The pywa fixtures' number, so that kept payloads go all the way into conversations.
    world.clock.set('2023-10-01T00:00:00.000Z');
    await connectFixtureChannel(world.bus);
    world.clock.set('2023-10-12T08:00:00.000Z');
  });

  afterAll(() => world.close());

  it('answers every case as documented, keeps only what Meta signed, and never fails', async () => {
    let head = await world.head();
    for (const index of cases) {
      let description = 'while generating it';
      try {
        const fuzz = webhookCase(Random.forCase(seed, index), APP_SECRET);
        description = fuzz.description;
        head = await checkCase(fuzz, head);
      } catch (error) {
        throw failedCase(error, seed, index, description);
      }
    }
    const metrics = world.app.get(MetricsRegistry);
    expect(metrics.counter('whatsapp_webhook_payloads_failed_total', '').get()).toBe(0);
    // Kept payloads went all the way: messages recorded in conversations, odd items counted as unmapped.
    if (cases.length >= 100)
      expect(
        metrics.counter('whatsapp_messages_routed_total', '', ['outcome']).get({ outcome: 'recorded' }),
      ).toBeGreaterThan(0);
    // A bound for a failure only: 2,000 cases take about 45 s alone and passed 120 s with two suites on 2 cores.
  }, 600_000);

  /** One POST and its consequences; returns the head of `$all` once everything it caused is done. */
  async function checkCase(fuzz: WebhookCase, head: Position | null): Promise<Position | null> {
    const answer = await world.post('/webhooks/whatsapp', fuzz.body, fuzz.headers);
    const appended = await world.eventsAfter(head);
    expect(answer.status).toBeLessThan(500);
    if (answer.status !== fuzz.expected)
      throw new Error(`answered ${answer.status}, not ${fuzz.expected}: ${answer.raw.slice(0, 300)}`);
    if (answer.status !== 200)
      expect(JSON.parse(answer.raw)).toMatchObject({ statusCode: answer.status, message: expect.anything() });
    if (answer.status !== 200 && answer.status !== 400) {
      expect(appended.map((event) => event.type)).toEqual([]);
      return head;
    }
    // Signed: the same bytes as an earlier case (a real fixture sent as it is, twice) add nothing, and are answered the same.
    const hash = payloadSha256(fuzz.body);
    if (kept.has(hash)) {
      expect(appended).toEqual([]);
      return head;
    }
    // Signed and new: exactly one event in the inbox, holding the very bytes Meta signed.
    const inbox = appended.filter((event) => isInboxStream(event.streamName));
    expect(inbox.map((event) => event.type)).toEqual([
      answer.status === 200 ? 'WebhookPayloadReceived' : 'MalformedWebhookPayloadReceived',
    ]);
    expect(keptBytes(inbox[0]).equals(fuzz.body)).toBe(true);
    expect(inbox[0].streamName).toBe(inboxStreamName(hash));
    kept.add(hash);
    await world.settled(inbox[0].position);
    return world.head();
  }
});

function keptBytes(event: RecordedEvent): Buffer {
  const { body, bodyEncoding } = event.data as { body: string; bodyEncoding?: 'utf8' | 'base64' };
  return Buffer.from(body, bodyEncoding === 'base64' ? 'base64' : 'utf8');
}
