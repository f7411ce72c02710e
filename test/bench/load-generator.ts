import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { generateTraffic } from '../../apps/simulator/src/generate-traffic.js';
import { createPrng } from '@helpdesk/demo';
import { runSimulation } from '../../apps/simulator/src/run-simulation.js';
import type { SimulationSummary } from '../../apps/simulator/src/simulation-summary.js';
import {
  TRAFFIC_DEFAULTS,
  type BusinessNumber,
  type TrafficOptions,
} from '../../apps/simulator/src/traffic-options.js';
import { latencyOf, type Latency } from './measure.js';

/**
 * The load process: the benchmarks fork it so that the client's work (generating, signing and
 * sending requests, reading answers) runs outside the API's process, as Meta and agents do.
 * It takes one job as JSON on argv, sends its result over IPC, and exits.
 */
export type LoadJob = WebhookJob | HttpJob;

export interface WebhookJob {
  readonly kind: 'webhooks';
  readonly url: string;
  readonly appSecret: string;
  readonly targets: readonly BusinessNumber[];
  readonly contacts: number;
  /**
   * Payloads per second, open loop, through the simulator's own driver (`runSimulation`). `null`:
   * saturation — the payloads are generated and signed before the clock starts, then sent
   * closed loop with `concurrency` in flight, so the client spends its core on sending only.
   */
  readonly rate: number | null;
  /** Stop sending after this long (requests in flight finish). */
  readonly seconds: number;
  readonly concurrency: number;
  readonly seed: number;
  /** ISO: Meta's timestamps start here. */
  readonly startAt: string;
  /** Saturation only: how many payloads to prepare (sent in a loop if the time outlasts them). */
  readonly prepare?: number;
}

export interface HttpRequestSpec {
  readonly path: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpJob {
  readonly kind: 'http';
  readonly baseUrl: string;
  /** Taken round-robin. */
  readonly requests: readonly HttpRequestSpec[];
  readonly concurrency: number;
  readonly durationSeconds: number;
  readonly maxRequests: number;
  /** A 200 whose body has GraphQL `errors` counts as a failure. */
  readonly graphql?: boolean;
}

export interface HttpResult {
  readonly requests: number;
  readonly failures: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly firstFailure?: string;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: Latency;
}

export type WebhookResult =
  | { readonly kind: 'simulation'; readonly summary: SimulationSummary }
  | { readonly kind: 'saturation'; readonly result: HttpResult; readonly messages: number; readonly payloads: number };

export type LoadResult =
  | { readonly kind: 'webhooks'; readonly result: WebhookResult }
  | { readonly kind: 'http'; readonly result: HttpResult };

function traffic(job: WebhookJob, rate: number, count: number): TrafficOptions {
  return {
    ...TRAFFIC_DEFAULTS,
    appSecret: job.appSecret,
    targets: job.targets,
    contacts: job.contacts,
    count,
    rate,
    startAt: new Date(job.startAt),
  };
}

async function runWebhooks(job: WebhookJob): Promise<WebhookResult> {
  if (job.rate !== null) {
    const summary = await runSimulation({
      url: job.url,
      seed: job.seed,
      concurrency: job.concurrency,
      signal: AbortSignal.timeout(job.seconds * 1000 + 250),
      retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 30_000 },
      traffic: traffic(job, job.rate, Math.ceil(job.rate * job.seconds)),
    });
    return { kind: 'simulation', summary };
  }
  const count = job.prepare ?? 20_000;
  const payloads = [...generateTraffic(traffic(job, 1_000, count), createPrng(job.seed))];
  const messages = payloads.reduce(
    (sum, payload) => sum + (payload.description.duplicateOf === undefined ? payload.description.messages.length : 0),
    0,
  );
  const url = new URL(job.url);
  const result = await closedLoop({
    baseUrl: url.origin,
    requests: payloads.map((payload) => ({
      path: url.pathname,
      body: payload.body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': payload.signature },
    })),
    concurrency: job.concurrency,
    durationSeconds: job.seconds,
    maxRequests: Number.MAX_SAFE_INTEGER,
  });
  return { kind: 'saturation', result, messages, payloads: payloads.length };
}

/** `concurrency` requests always in flight until the time or the count runs out, over keep-alive sockets (node:http, lighter than fetch). */
async function closedLoop(job: Omit<HttpJob, 'kind'>): Promise<HttpResult> {
  const base = new URL(job.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const bodies = job.requests.map((spec) => ({ ...spec, buffer: Buffer.from(spec.body) }));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const send = (spec: (typeof bodies)[number]) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          path: spec.path,
          method: 'POST',
          headers: { ...spec.headers, 'content-length': spec.buffer.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(spec.buffer);
    });
  const started = performance.now();
  const deadline = started + job.durationSeconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < job.maxRequests) {
      const spec = bodies[next++ % bodies.length];
      const sent = performance.now();
      try {
        const { status, text } = await send(spec);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200 || (job.graphql && text.includes('"errors"'))) {
          failures++;
          firstFailure ??= `${status} ${text.slice(0, 300)}`;
        }
      } catch (error) {
        failures++;
        statuses.error = (statuses.error ?? 0) + 1;
        firstFailure ??= String(error);
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    failures,
    statuses,
    ...(firstFailure && { firstFailure }),
    seconds,
    perSecond: latencies.length / seconds,
    latencyMs: latencyOf(latencies),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as LoadJob;
  const result: LoadResult =
    job.kind === 'webhooks'
      ? { kind: 'webhooks', result: await runWebhooks(job) }
      : { kind: 'http', result: await closedLoop(job) };
  process.send!(result, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`load generator: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
