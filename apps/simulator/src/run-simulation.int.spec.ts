import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateTraffic } from './generate-traffic.js';
import { createPrng } from '@helpdesk/demo';
import { runSimulation, webhookUrl, type RequestLogLine, type SimulationOptions } from './run-simulation.js';
import type { TrafficOptions } from './traffic-options.js';

const SECRET = 'test-app-secret';
const traffic: TrafficOptions = {
  appSecret: SECRET,
  targets: [{ phoneNumberId: '106540352242922', displayNumber: '+15550783881', wabaId: '102290129340398' }],
  contacts: 10,
  count: 50,
  rate: 500,
  startAt: new Date('2025-06-01T09:00:00.000Z'),
  duplicates: 0,
  outOfOrder: 0.2,
  unknownNumber: 0,
  batch: 2,
};

interface Received {
  readonly body: string;
  readonly at: number;
  readonly status: number;
}

/** A stand-in for the API: checks Meta's signature on the raw body, then answers what the test scripts. */
async function startWebhookServer(script: (body: string, attemptOfBody: number) => number, answerAfterMs = 0) {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      const given = Buffer.from(String(request.headers['x-hub-signature-256'] ?? ''));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      const attempt = (seen.get(body) ?? 0) + 1;
      seen.set(body, attempt);
      const status = request.url !== '/webhooks/whatsapp' ? 404 : signed ? script(body, attempt) : 401;
      received.push({ body, at: performance.now(), status });
      const answer = () => response.writeHead(status, status === 503 ? { 'retry-after': '0' } : {}).end();
      if (answerAfterMs > 0) setTimeout(answer, answerAfterMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const options = (url: string, overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  url: webhookUrl(url),
  seed: 42,
  traffic,
  concurrency: 8,
  retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 2000 },
  ...overrides,
});

describe('runSimulation against a local webhook server', () => {
  let server: Awaited<ReturnType<typeof startWebhookServer>> | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('delivers every payload signed, retrying each 503 until a 200', async () => {
    const bodies = [...generateTraffic(traffic, createPrng(42))].map((payload) => payload.body);
    const flaky = new Set(bodies.filter((_body, i) => i % 10 === 3));
    server = await startWebhookServer((body, attempt) => (flaky.has(body) && attempt <= 2 ? 503 : 200));

    const summary = await runSimulation(options(server.url));

    expect(summary).toMatchObject({ payloads: 50, delivered: 50, gaveUp: 0, requests: 60, retries: 10 });
    expect(summary.responses).toEqual({ '200': 50, '503': 10 });
    expect(
      server.received
        .filter((request) => request.status === 200)
        .map((request) => request.body)
        .sort(),
    ).toEqual([...bodies].sort());
    expect(summary.latencyMs.p99).toBeGreaterThan(0);
  });

  it('paces the requests at the rate: 50 payloads at 500/s, none before its time', async () => {
    server = await startWebhookServer(() => 200);
    const start = performance.now();

    const summary = await runSimulation(options(server.url));

    // Open loop: payload i is due 2 ms × i after the start and never goes earlier, however fast the
    // server answers (a late one goes at once, so the spacing between two arrivals may be shorter).
    const arrivals = server.received.map((request) => request.at - start).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(50);
    arrivals.forEach((arrival, i) => expect(arrival).toBeGreaterThanOrEqual(i * 2 - 1));
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(98);
    expect(summary.achievedRate).toBeLessThanOrEqual(500.5);
    // No lower bound on the rate: a loaded machine may run the schedule late, which the lag (next test) reports.
  });

  it('reports the lag, and the payloads that waited for a slot, when the server is slower than the rate allows', async () => {
    // 20 payloads due 2 ms apart, one at a time, each answered after 10 ms: the schedule slips.
    server = await startWebhookServer(() => 200, 10);

    const summary = await runSimulation(options(server.url, { traffic: { ...traffic, count: 20 }, concurrency: 1 }));

    expect(summary).toMatchObject({ payloads: 20, delivered: 20 });
    expect(summary.waitedForSlot).toBeGreaterThanOrEqual(15);
    expect(summary.lagMs.max).toBeGreaterThan(19 * 8);
    expect(summary.achievedRate).toBeLessThan(150);
  });

  it('stops after a duration at the rate, and logs one line per request', async () => {
    server = await startWebhookServer((_body, attempt) => (attempt === 1 ? 503 : 200));
    const lines: RequestLogLine[] = [];

    const summary = await runSimulation(
      options(server.url, {
        traffic: { ...traffic, count: undefined, rate: 200 },
        durationSeconds: 0.1,
        onRequest: (line) => lines.push(line),
      }),
    );

    expect(summary).toMatchObject({ payloads: 20, requests: 40, retries: 20, delivered: 20 });
    expect(lines).toHaveLength(40);
    expect(
      lines
        .filter((line) => line.attempt === 1)
        .map((line) => line.seq)
        .sort((a, b) => a - b),
    ).toEqual([...Array(20).keys()]);
    expect(lines.find((line) => line.attempt === 2)).toMatchObject({ status: 200 });
    expect(lines.find((line) => line.attempt === 2)).not.toHaveProperty('lagMs');
    expect(lines.find((line) => line.attempt === 1)).toMatchObject({
      status: 503,
      lagMs: expect.any(Number),
      messages: expect.any(Array),
    });
  });

  it('gives up at the attempt cap, and counts a wrong secret as 401s', async () => {
    server = await startWebhookServer(() => 200);

    const summary = await runSimulation(
      options(server.url, {
        traffic: { ...traffic, appSecret: 'not-the-secret', count: 5 },
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 },
      }),
    );

    expect(summary).toMatchObject({ payloads: 5, requests: 15, delivered: 0, gaveUp: 5, responses: { '401': 15 } });
  });

  it('counts unreachable servers as network errors', async () => {
    server = await startWebhookServer(() => 200);
    const closedUrl = server.url;
    await server.close();
    server = undefined;

    const summary = await runSimulation(
      options(closedUrl, {
        traffic: { ...traffic, count: 3 },
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 },
      }),
    );

    expect(summary).toMatchObject({ payloads: 3, requests: 6, gaveUp: 3, responses: { 'network error': 6 } });
  });

  it('stops scheduling when aborted, and lets what is in flight finish', async () => {
    server = await startWebhookServer(() => 200);
    const stop = new AbortController();
    let answered = 0;

    const summary = await runSimulation(
      options(server.url, {
        traffic: { ...traffic, count: 10_000, rate: 1000 },
        signal: stop.signal,
        onRequest: () => {
          if (++answered === 10) stop.abort();
        },
      }),
    );

    expect(summary.payloads).toBeLessThan(100);
    expect(summary.delivered).toBe(summary.payloads);
  });
});
