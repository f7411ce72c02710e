import { performance } from 'node:perf_hooks';
import { deliverPayload, type Attempt, type RetryPolicy } from './deliver-payload.js';
import { generateTraffic, type GeneratedPayload, type PayloadDescription } from './generate-traffic.js';
import { createPrng } from '@helpdesk/demo';
import { SimulationTally, type SimulationSummary } from './simulation-summary.js';
import { Slots, sleep } from './slots.js';
import type { TrafficOptions } from './traffic-options.js';

export interface SimulationOptions {
  /** The webhook endpoint, e.g. http://127.0.0.1:3000/webhooks/whatsapp. */
  readonly url: string;
  readonly seed: number;
  /** `rate` paces the requests; `count` (or else `durationSeconds`) says when to stop. */
  readonly traffic: TrafficOptions;
  readonly durationSeconds?: number;
  /** Requests in flight at most. */
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  /** Called once per request (attempt), e.g. to write the NDJSON log. */
  readonly onRequest?: (line: RequestLogLine) => void;
  /** Stops scheduling new payloads; those in flight finish (without further retries). */
  readonly signal?: AbortSignal;
  /** Called as each payload is done (delivered or given up), with how many are and how many there are. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RequestLogLine extends Omit<Attempt, 'at'> {
  readonly at: string;
  readonly seq: number;
  /** Milliseconds the first attempt started after its slot in the schedule. */
  readonly lagMs?: number;
  readonly duplicateOf?: number;
  readonly unknownNumber: boolean;
  readonly messages: readonly string[];
  readonly statuses: readonly string[];
}

export const DEFAULT_WEBHOOK_PATH = '/webhooks/whatsapp';

/**
 * Open loop: payload i is due at start + i / rate whatever the server does, so a slow server shows
 * up as latency and lag instead of silently lowering the rate. Waiting for a free slot is lag too.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const { traffic, signal } = options;
  const duration = options.durationSeconds;
  const count = traffic.count ?? (duration === undefined ? undefined : Math.floor(duration * traffic.rate));
  if (count === undefined) throw new Error('Give a count or a duration: the simulator stops by itself');
  const payloads = generateTraffic({ ...traffic, count }, createPrng(options.seed));
  const slots = new Slots(options.concurrency);
  const tally = new SimulationTally();
  const inFlight = new Set<Promise<void>>();
  // Node loads its HTTP client on the first fetch (tens of ms): do it before the clock starts, on
  // a data: URL so that the server sees nothing but the traffic.
  await fetch('data:,').then((response) => response.arrayBuffer());
  const start = performance.now();
  let lastStart = start;
  let seq = 0;
  let done = 0;
  for (const payload of payloads) {
    const due = start + (seq * 1000) / traffic.rate;
    await waitUntil(due, signal);
    if (signal?.aborted) break;
    const waitedForSlot = !slots.available;
    await slots.acquire();
    lastStart = performance.now();
    const lagMs = Math.max(0, lastStart - due);
    tally.dispatched(payload.description, lagMs, waitedForSlot);
    const delivery = deliverPayload(
      options.url,
      payload,
      options.retry,
      slots,
      (attempt) => {
        tally.attempted(attempt);
        options.onRequest?.(logLine(payload, attempt, lagMs));
      },
      signal,
    ).then((result) => {
      tally.finished(result);
      options.onProgress?.(++done, count);
    });
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
    seq++;
  }
  await Promise.all(inFlight);
  return tally.summary({
    targetRate: traffic.rate,
    firstStart: start,
    lastStart,
    elapsedMs: performance.now() - start,
  });
}

/** Timers may fire a fraction of a millisecond early: a payload never goes before its time. */
async function waitUntil(due: number, signal?: AbortSignal): Promise<void> {
  for (let wait = due - performance.now(); wait > 0 && !signal?.aborted; wait = due - performance.now()) {
    await sleep(Math.ceil(wait), signal);
  }
}

/** `--url http://host:3000` means the API's webhook route; a URL with a path is taken as it is. */
export function webhookUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = DEFAULT_WEBHOOK_PATH;
  return parsed.toString();
}

function logLine(payload: GeneratedPayload, attempt: Attempt, lagMs: number): RequestLogLine {
  const { seq, duplicateOf, unknownNumber, messages, statuses }: PayloadDescription = payload.description;
  return {
    seq,
    ...attempt,
    latencyMs: milliseconds(attempt.latencyMs),
    at: attempt.at.toISOString(),
    ...(attempt.attempt === 1 && { lagMs: milliseconds(lagMs) }),
    ...(duplicateOf !== undefined && { duplicateOf }),
    unknownNumber,
    messages: messages.map((message) => `${message.type} ${message.wamid}`),
    statuses: statuses.map((status) => `${status.kind} ${status.wamid}${status.outOfOrder ? ' (out of order)' : ''}`),
  };
}

function milliseconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}
