import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { APP_SECRET, VERIFY_TOKEN, openWebhookWorld } from '../webhooks/webhook.test-world.js';
import { isInboxStream } from '../webhooks/webhook-inbox.js';

/** Meta's POST: its server span covers the inbox append, and the stored payload names that span. */
describe('tracing a webhook POST', () => {
  const exporter = new InMemorySpanExporter();
  let world: Awaited<ReturnType<typeof openWebhookWorld>>;

  beforeAll(async () => {
    world = await openWebhookWorld({ WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_APP_SECRET: APP_SECRET }, () => ({
      spanExporter: exporter,
    }));
  });

  afterAll(() => world.close());

  it('records the inbox append under the request span, and its traceparent with the stored payload', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    expect((await world.post(body)).status).toBe(200);

    const http = exporter
      .getFinishedSpans()
      .find((span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/webhooks/whatsapp')!;
    expect(http.name).toBe('POST /webhooks/whatsapp');
    const append = exporter
      .getFinishedSpans()
      .find(
        (span) => span.name === 'event-store append' && span.parentSpanContext?.spanId === http.spanContext().spanId,
      );
    expect(append?.attributes).toMatchObject({
      'helpdesk.stream.category': 'whatsapp-inbox',
      'helpdesk.event.count': 1,
    });

    const stored = [];
    for await (const event of world.store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 50 })) {
      if (isInboxStream(event.streamName)) stored.push(event);
    }
    expect(stored.map((event) => event.metadata.traceparent)).toEqual([
      `00-${http.spanContext().traceId}-${http.spanContext().spanId}-01`,
    ]);
  });
});
