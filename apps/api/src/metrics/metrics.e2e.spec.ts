import { testToken } from '@helpdesk/auth/fixtures';
import {
  APP_SECRET,
  RECEIVED_AT,
  VERIFY_TOKEN,
  type WebhookWorld,
  openWebhookWorld,
  textPayload,
} from '../webhooks/webhook.test-world.js';
import { MetricsListener } from './metrics-listener.js';

const JWT_SECRET = 'metrics-e2e-secret-long-enough-for-hs256';
const METRICS_TOKEN = 'm'.repeat(48);
const WEBHOOKS = { WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_APP_SECRET: APP_SECRET, AUTH_JWT_SECRET: JWT_SECRET };
const INBOX_BACKLOG = '{ inboxBacklog { payloads capped oldestReceivedAt processedUpTo } }';

/** The value of one sample line (`name{labels} value`), or undefined when the scrape has none. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls a condition with a generous deadline: the processor and the projections run on their own. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/metrics on the main port (NODE_ENV=test, neither METRICS_PORT nor METRICS_TOKEN: open)', () => {
  let world: WebhookWorld;
  let base: string;

  beforeAll(async () => {
    world = await openWebhookWorld(WEBHOOKS);
    base = world.url.replace('/webhooks/whatsapp', '');
  });
  afterAll(() => world.close());

  async function graphql(query: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const operatorToken = () =>
    testToken({ portal: 'acme', user: 'ops-1', roles: 'operator' }, JWT_SECRET, world.clock.now());

  it('counts requests by route template and commands by name and outcome, with the default and scrape-time metrics', async () => {
    const before = await world.metrics();
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
    expect((await world.post(JSON.stringify(textPayload('wamid.metrics-1', 'Hello')))).status).toBe(200);
    expect((await graphql('{ serviceHealth { healthy } }')).status).toBe(200);
    expect((await fetch(`${base}/no/such/route/12345`)).status).toBe(404);
    expect((await fetch(`${base}/media/some-media-id-999`)).status).toBeGreaterThanOrEqual(400);
    await world.processed();

    const after = await world.metrics();
    const commands = 'command_duration_seconds_count{command="RegisterPortalCommand",outcome="ok"}';
    expect(sample(before, commands)).toBeUndefined();
    expect(sample(after, commands)).toBe(1);
    expect(sample(after, 'command_duration_seconds_count{command="ConnectAccountCommand",outcome="ok"}')).toBe(1);
    const webhook = 'http_request_duration_seconds_count{route="/webhooks/whatsapp",method="POST",status_class="2xx"}';
    expect(sample(after, webhook)).toBe((sample(before, webhook) ?? 0) + 1);
    expect(sample(after, 'graphql_request_duration_seconds_count{operation_type="query"}')).toBe(1);
    // Unknown paths collapse to one label, ids in paths to the route's template: never the raw URL.
    expect(
      sample(after, 'http_request_duration_seconds_count{route="unmatched",method="GET",status_class="4xx"}'),
    ).toBe(1);
    expect(after).not.toContain('12345');
    expect(after).not.toContain('some-media-id-999');
    // The counters the capabilities kept, now prom-client's.
    expect(sample(after, 'whatsapp_webhooks_received_total')).toBe(1);
    expect(sample(after, 'whatsapp_webhook_payloads_processed_total')).toBe(1);
    // prom-client's default metrics: event-loop delay, process and heap.
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ])
      expect(sample(after, name)).toEqual(expect.any(Number));
    // Gauges computed at the scrape. The backlog counts from the durable checkpoint, which may
    // trail the processed payload by up to 200 ms.
    const backlog = await eventually(
      async () => sample(await world.metrics(), 'whatsapp_inbox_backlog_payloads'),
      (value) => value === 0,
    );
    expect(backlog).toBe(0);
    expect(sample(after, 'outbound_queue_messages')).toBe(0);
    expect(sample(after, 'outbound_delivery_enabled')).toBe(0);
    expect(after).toMatch(/^projection_lag_seconds\{projection="ticket_list"\} \d/m);
  });

  it('shows payloads stored while the processor is stopped as a backlog, in the metrics and over GraphQL, until processed', async () => {
    await world.processor.stop();
    try {
      for (const n of [1, 2, 3]) {
        expect((await world.post(JSON.stringify(textPayload(`wamid.backlog-${n}`, `Message ${n}`)))).status).toBe(200);
      }
      const scrape = await world.metrics();
      expect(sample(scrape, 'whatsapp_inbox_backlog_payloads')).toBe(3);
      expect(sample(scrape, 'whatsapp_inbox_backlog_capped')).toBe(0);
      expect(sample(scrape, 'whatsapp_inbox_backlog_oldest_age_seconds')).toBeGreaterThanOrEqual(0);

      const answer = await graphql(INBOX_BACKLOG, operatorToken());
      expect(answer.body.errors).toBeUndefined();
      const backlog = (answer.body.data as { inboxBacklog: Record<string, unknown> }).inboxBacklog;
      expect(backlog).toMatchObject({ payloads: 3, capped: false, processedUpTo: expect.stringMatching(/^\d+:\d+$/) });
      expect(Date.parse(backlog.oldestReceivedAt as string)).not.toBeNaN();
    } finally {
      world.processor.start();
    }
    const drained = await eventually(
      async () => sample(await world.metrics(), 'whatsapp_inbox_backlog_payloads'),
      (value) => value === 0,
    );
    expect(drained).toBe(0);
    const answer = await graphql(INBOX_BACKLOG, operatorToken());
    expect((answer.body.data as { inboxBacklog: unknown }).inboxBacklog).toMatchObject({
      payloads: 0,
      oldestReceivedAt: null,
    });
  });

  it('refuses the backlog to a caller without a token or with an agent one, telling nothing', async () => {
    const anonymous = await graphql(INBOX_BACKLOG);
    expect(JSON.stringify(anonymous.body)).not.toContain('payloads":');
    const agent = testToken({ portal: 'acme', user: 'agent-1', roles: 'agent' }, JWT_SECRET, world.clock.now());
    const refused = await graphql(INBOX_BACKLOG, agent);
    expect(refused.body.data ?? null).toBeNull();
    expect(JSON.stringify(refused.body.errors)).toContain('FORBIDDEN');
  });
});

describe('/metrics behind METRICS_TOKEN on the main port', () => {
  let world: WebhookWorld;
  let metricsUrl: string;

  beforeAll(async () => {
    world = await openWebhookWorld({ ...WEBHOOKS, METRICS_TOKEN });
    metricsUrl = world.url.replace('/webhooks/whatsapp', '/metrics');
  });
  afterAll(() => world.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${'n'.repeat(48)}`],
    ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, 47)}`],
    ['the token with something after it', `Bearer ${METRICS_TOKEN}x`],
    ['the token under another scheme', `Basic ${METRICS_TOKEN}`],
    ['the token without a scheme', METRICS_TOKEN],
    ['a huge header', `Bearer ${'x'.repeat(8_000)}`],
  ])('answers 401 with no metrics to %s', async (_case, authorization) => {
    const response = await fetch(metricsUrl, authorization ? { headers: { authorization } } : {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const body = await response.text();
    expect(body).not.toContain('# TYPE');
    expect(body).not.toContain('whatsapp_');
  });

  it('serves the metrics to the right bearer token', async () => {
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('# TYPE http_request_duration_seconds histogram');
  });
});

describe('/metrics on METRICS_PORT only', () => {
  let world: WebhookWorld;
  let base: string;
  let metricsBase: string;

  beforeAll(async () => {
    world = await openWebhookWorld({ ...WEBHOOKS, METRICS_PORT: '0' });
    base = world.url.replace('/webhooks/whatsapp', '');
    metricsBase = `http://127.0.0.1:${world.app.get(MetricsListener).port}`;
  });
  afterAll(() => world.close());

  it('is not served on the main port, even to a caller who guesses a token', async () => {
    const off = await fetch(`${base}/metrics`);
    expect(off.status).toBe(404);
    // Answered as a path that does not exist is: nothing tells that metrics live somewhere.
    const unknown = (await (await fetch(`${base}/metricz`)).json()) as Record<string, unknown>;
    expect(await off.json()).toEqual({ ...unknown, message: String(unknown.message).replace('/metricz', '/metrics') });
    const guessed = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(guessed.status).toBe(404);
    expect(await guessed.text()).not.toContain('# TYPE');
  });

  it('is served on the metrics port, which answers nothing else', async () => {
    const response = await fetch(`${metricsBase}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('# TYPE command_duration_seconds histogram');
    expect(sample(text, 'whatsapp_inbox_backlog_payloads')).toBe(0);
    for (const path of ['/', '/graphql', '/health', '/metrics/../graphql', '/webhooks/whatsapp']) {
      expect((await fetch(`${metricsBase}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${metricsBase}/metrics`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
