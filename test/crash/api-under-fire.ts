import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type AppConfig, loadConfig } from '@helpdesk/config';
import { deliverPayload, type Attempt } from '../../apps/simulator/src/deliver-payload.js';
import { generateTraffic, type GeneratedPayload } from '../../apps/simulator/src/generate-traffic.js';
import { createPrng, type Prng } from '@helpdesk/demo';
import { Slots, sleep } from '../../apps/simulator/src/slots.js';
import type { TrafficOptions } from '../../apps/simulator/src/traffic-options.js';
import { seedDemo } from '../../apps/cli/src/seed-demo/seed-demo.js';

export const KILL_TEST_APP_SECRET = 'kill-test-app-secret';
export const KILL_TEST_PORTAL = 'killtest';

export interface UnderFireOptions {
  readonly dataDir: string;
  /** How to start the real API as a separate process (it reads its configuration from the environment). */
  readonly apiCommand: readonly string[];
  /** Inbound messages to connected numbers the simulator sends (statuses and duplicates come on top). */
  readonly messages: number;
  /** SIGKILLs of the API while the traffic runs; one more follows once every payload was acknowledged. */
  readonly kills: number;
  readonly seed: number;
  /** Requests in flight. */
  readonly concurrency: number;
  /** Extra environment for the API process. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface UnderFireReport extends MetaSendTally {
  readonly payloads: readonly GeneratedPayload[];
  /** Inbound messages to connected numbers, each once (the payloads that are Meta's redeliveries left out). */
  readonly messagesSent: readonly string[];
  readonly kills: number;
  readonly seconds: number;
  /** How long each restarted API took until its /health answered 200. */
  readonly restartSeconds: readonly number[];
}

/** The API's environment: the embedded stores in `dataDir`, webhooks signed with the test secret. */
export function underFireEnv(
  dataDir: string,
  port: number,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    AUTH_JWT_SECRET: 'kill-test-jwt-secret-kill-test-jwt-secret',
    WHATSAPP_APP_SECRET: KILL_TEST_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'kill-test-verify',
    ...extra,
  };
}

/**
 * Meta against an API that keeps dying: the simulator's traffic (duplicates, out-of-order
 * statuses, unknown numbers) posted with Meta's rule — the same bytes again until a 200 —
 * while the API process is SIGKILLed at random moments and restarted on the same data and port.
 * The last kill comes after every payload was acknowledged, while the inbox is still being
 * processed. Leaves the API stopped; the caller inspects the data.
 */
export async function runUnderFire(options: UnderFireOptions): Promise<UnderFireReport> {
  const prng = createPrng(options.seed);
  const env = underFireEnv(options.dataDir, await freePort(), options.env);
  const { payloads, messagesSent } = await seedWithTraffic(loadConfig(env), options.messages, prng);
  const killAt = killPoints(payloads.length, options.kills, prng);

  const api = new RestartableApi(options.apiCommand, env);
  const started = performance.now();
  await api.start();
  let killing: Promise<void> = Promise.resolve();
  const sent = await sendLikeMeta(api.webhookUrl, payloads, options.concurrency, (acknowledged) => {
    if (killAt.length > 0 && acknowledged >= killAt[0]) {
      killAt.shift();
      killing = killing.then(() => api.killAndRestart(prng.int(0, 40)));
    }
  });
  await killing;
  // Every payload is acknowledged; the inbox processor and the projections are still at work.
  await sleep(prng.int(100, 1_500));
  await api.kill();
  return {
    payloads,
    messagesSent,
    ...sent,
    kills: api.kills,
    seconds: (performance.now() - started) / 1000,
    restartSeconds: api.restartSeconds,
  };
}

/**
 * Seeds a portal with three connected numbers, then generates the simulator's traffic to them
 * until it holds `messages` distinct inbound messages to connected numbers.
 */
export async function seedWithTraffic(
  config: AppConfig,
  messages: number,
  prng: Prng,
): Promise<{ payloads: GeneratedPayload[]; messagesSent: string[] }> {
  const seeded = await seedDemo(config, {
    portalId: KILL_TEST_PORTAL,
    numbers: 3,
    timeZone: 'Europe/Amsterdam',
    connectedAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000),
  });
  const traffic: TrafficOptions = {
    appSecret: KILL_TEST_APP_SECRET,
    targets: seeded.targets.numbers.map((number) => ({ ...number, wabaId: seeded.targets.wabaId })),
    knownContacts: seeded.targets.contacts,
    contacts: 500,
    rate: 1_000,
    startAt: new Date(),
    duplicates: 0.05,
    outOfOrder: 0.2,
    unknownNumber: 0.01,
    batch: 1,
  };
  return trafficWith(traffic, messages, prng);
}

export interface MetaSendTally {
  readonly requests: number;
  /** Answers by HTTP status; `none` counts connections refused, reset or timed out. */
  readonly answers: Readonly<Record<string, number>>;
}

/**
 * Posts every payload with Meta's rule — the same bytes and signature again, after a backoff
 * (25 ms doubling to 500 ms), until a 200 — `concurrency` at a time. Resolves once every payload
 * was acknowledged; `onAcknowledged` hears the running count.
 */
export async function sendLikeMeta(
  url: string,
  payloads: readonly GeneratedPayload[],
  concurrency: number,
  onAcknowledged: (acknowledged: number) => void = () => undefined,
): Promise<MetaSendTally> {
  const answers: Record<string, number> = {};
  let requests = 0;
  let acknowledged = 0;
  const slots = new Slots(concurrency);
  const policy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 25, maxDelayMs: 500, timeoutMs: 10_000 };
  const onAttempt = (attempt: Attempt) => {
    requests++;
    const key = attempt.status === null ? 'none' : String(attempt.status);
    answers[key] = (answers[key] ?? 0) + 1;
  };
  const deliveries: Promise<void>[] = [];
  for (const payload of payloads) {
    await slots.acquire();
    deliveries.push(deliverPayload(url, payload, policy, slots, onAttempt).then(() => onAcknowledged(++acknowledged)));
  }
  await Promise.all(deliveries);
  return { requests, answers };
}

/** Payloads until `messages` distinct inbound messages to connected numbers are in them. */
function trafficWith(
  traffic: TrafficOptions,
  messages: number,
  prng: Prng,
): { payloads: GeneratedPayload[]; messagesSent: string[] } {
  const payloads: GeneratedPayload[] = [];
  const messagesSent: string[] = [];
  for (const payload of generateTraffic(traffic, prng)) {
    if (messagesSent.length >= messages) break;
    payloads.push(payload);
    const { duplicateOf, unknownNumber } = payload.description;
    if (duplicateOf === undefined && !unknownNumber)
      messagesSent.push(...payload.description.messages.map((message) => message.wamid));
  }
  return { payloads, messagesSent };
}

/** Acknowledgement counts after which the API dies, spread at random over the run. */
function killPoints(payloads: number, kills: number, prng: Prng): number[] {
  const points = Array.from({ length: Math.max(0, kills - 1) }, () =>
    prng.int(Math.floor(payloads * 0.05), Math.floor(payloads * 0.95)),
  );
  return points.sort((a, b) => a - b);
}

class RestartableApi {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';
  kills = 0;
  readonly restartSeconds: number[] = [];
  readonly webhookUrl: string;
  private readonly healthUrl: string;

  constructor(
    private readonly command: readonly string[],
    private readonly env: Record<string, string>,
  ) {
    const base = `http://127.0.0.1:${env.PORT}`;
    this.webhookUrl = `${base}/webhooks/whatsapp`;
    this.healthUrl = `${base}/health`;
  }

  async start(): Promise<void> {
    const [program, ...args] = this.command;
    this.stderr = '';
    const child = spawn(program, args, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4_000)));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = performance.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`the API exited with ${child.exitCode} while starting: ${this.stderr}`);
      if (await this.healthy()) return;
      if (performance.now() > deadline) throw new Error(`the API did not answer /health in 120 s: ${this.stderr}`);
      await sleep(50);
    }
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.kills++;
  }

  async killAndRestart(delayMs: number): Promise<void> {
    await sleep(delayMs);
    await this.kill();
    const started = performance.now();
    await this.start();
    this.restartSeconds.push((performance.now() - started) / 1000);
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(this.healthUrl, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
