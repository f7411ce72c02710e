import { once } from 'node:events';
import { type Position, headPosition } from '@helpdesk/event-store';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { InboxProcessor } from '../../apps/api/src/webhooks/inbox-processor.js';
import { isInboxStream } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { lastEventWhere, runLoad, startBenchApp, startProjectorProcess } from './bench-app.js';
import { BENCH_APP_SECRET, benchConfig, benchDir, seedPortal } from './bench-env.js';
import {
  type Latency,
  type MemoryPeak,
  MemorySampler,
  currentMemory,
  fmt,
  markdownTable,
  processCpuMs,
  seconds,
} from './measure.js';
import type { WebhookResult } from './load-generator.js';
import type { ScenarioResult } from './scenario.js';

export interface IngestStep {
  readonly label: string;
  /** Payloads per second, open loop (the simulator's driver); null: saturation, closed loop with `concurrency` in flight. */
  readonly rate: number | null;
  readonly seconds: number;
  readonly concurrency: number;
  /** Wait for the inbox processor to turn every payload into tickets before the next step (bounded). */
  readonly drainSeconds: number;
  /** Stop the inbox processor during this step: the webhook edge alone (acknowledging durably), nothing behind it. */
  readonly processorPaused?: boolean;
}

export interface IngestSizes {
  readonly steps: readonly IngestStep[];
  readonly contacts: number;
  /** Payloads prepared (generated and signed) for each saturation step. */
  readonly prepared: number;
  /**
   * `in-process`: the API runs the read models. `process` (the service's default,
   * PROJECTIONS=child-process): the API runs with PROJECTIONS=off beside the projector in a process
   * of its own, and the CPU per payload adds up both processes.
   */
  readonly projector?: 'in-process' | 'process';
}

/** One step, whichever driver sent it. */
interface StepFigures {
  readonly sent: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly messagesPerSecond: number;
  readonly latency: Latency;
  readonly notOk: Readonly<Record<string, number>>;
  /** Open loop only: how late the client started requests against its schedule. */
  readonly clientLagP99: number | null;
}

function figuresOf(result: WebhookResult): StepFigures {
  if (result.kind === 'simulation') {
    const { summary } = result;
    const messages = Object.values(summary.messagesByType).reduce((sum, count) => sum + count, 0);
    const originals = summary.payloads - summary.duplicates;
    const { ['200']: _ok, ...notOk } = summary.responses;
    return {
      sent: summary.payloads,
      seconds: summary.elapsedMs / 1000,
      perSecond: summary.achievedRate,
      messagesPerSecond: originals > 0 ? (summary.achievedRate * messages) / originals : 0,
      latency: { count: summary.requests, ...summary.latencyMs },
      notOk,
      clientLagP99: summary.lagMs.p99,
    };
  }
  const { result: http } = result;
  const { ['200']: _ok, ...notOk } = http.statuses;
  return {
    sent: http.requests,
    seconds: http.seconds,
    perSecond: http.perSecond,
    messagesPerSecond: (http.perSecond * result.messages) / result.payloads,
    latency: http.latencyMs,
    notOk,
    clientLagP99: null,
  };
}

interface StepOutcome {
  readonly step: IngestStep;
  readonly figures: StepFigures;
  readonly processedPerSecond: number | null;
  /** CPU time of the service's processes per payload, over the step and its drain; null when the work was not all done in it. */
  readonly cpuMsPerPayload: number | null;
  /** Events appended per payload over the step and its drain (the embedded store numbers its log 1, 2, 3...). */
  readonly eventsPerPayload: number | null;
}

/**
 * Scenario 1: signed, Meta-shaped webhook POSTs (the simulator's traffic mix: every message type,
 * statuses late, out of order and twice, 5 % redeliveries, 1 % unknown numbers) from a separate
 * load process, over loopback, into the real service in this process. What is measured is the
 * acknowledgement: 200 only once the payload is durable (fsynced) in the inbox. The inbox
 * processor, the projections and everything else the service does run at the same time.
 */
export async function benchmarkIngest(sizes: IngestSizes): Promise<ScenarioResult> {
  const separate = sizes.projector === 'process';
  const dir = benchDir(separate ? 'ingest-projector' : 'ingest');
  const config = benchConfig(dir.path, separate ? { PROJECTIONS: 'off' } : {});
  const target = await seedPortal(config, 'ingest', 3, new Date(Date.now() - 24 * 3600_000));
  const baseline = currentMemory();
  const projector = separate ? startProjectorProcess(dir.path) : undefined;
  const app = await startBenchApp(config);
  const processor = app.app.get(InboxProcessor);
  const projections = app.app.get(ProjectionsService);
  /** This process's CPU (the API) and the projector's, in ms. */
  const serviceCpuMs = () => {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000 + (projector ? (processCpuMs(projector.pid) ?? Number.NaN) : 0);
  };
  await projections.whenCaughtUp();
  // Warm-up, not reported: the first requests after start-up pay for JIT compilation and lazy set-up.
  await runLoad({
    kind: 'webhooks',
    url: `${app.baseUrl}/webhooks/whatsapp`,
    appSecret: BENCH_APP_SECRET,
    targets: target.numbers.map((number) => ({ ...number, wabaId: target.wabaId })),
    contacts: sizes.contacts,
    rate: 200,
    seconds: 1,
    concurrency: 16,
    seed: 1_000,
    startAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  const memory = new MemorySampler().start();
  const outcomes: StepOutcome[] = [];
  let peak: MemoryPeak = { rssMiB: 0, heapUsedMiB: 0 };
  try {
    let seed = 1;
    for (const step of sizes.steps) {
      if (step.processorPaused) await processor.stop();
      const started = process.hrtime.bigint();
      const cpuBefore = serviceCpuMs();
      const headBefore = await headPosition(app.store);
      const result = await runLoad({
        kind: 'webhooks',
        url: `${app.baseUrl}/webhooks/whatsapp`,
        appSecret: BENCH_APP_SECRET,
        targets: target.numbers.map((number) => ({ ...number, wabaId: target.wabaId })),
        contacts: sizes.contacts,
        rate: step.rate,
        seconds: step.seconds,
        concurrency: step.concurrency,
        seed: seed++,
        startAt: new Date(Date.now() - 3600_000).toISOString(),
        prepare: sizes.prepared,
      });
      const figures = figuresOf(result);
      let processedPerSecond: number | null = null;
      const last = step.drainSeconds > 0 ? await lastEventWhere(app.store, isInboxStream) : null;
      if (last) {
        const within = <T>(work: Promise<T>) =>
          Promise.race([
            work.then(() => true),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), step.drainSeconds * 1000).unref()),
          ]);
        if (await within(processor.whenProcessed(last))) processedPerSecond = figures.sent / seconds(started);
        // The read models too: the payload's whole cost, whichever process applies them.
        if (processedPerSecond !== null && !(await within(projections.whenCaughtUp()))) processedPerSecond = null;
      }
      const cpuMs = serviceCpuMs() - cpuBefore;
      const complete = step.processorPaused || processedPerSecond !== null;
      const cpuMsPerPayload = complete && figures.sent > 0 && Number.isFinite(cpuMs) ? cpuMs / figures.sent : null;
      // Events the service appended per payload (inbox, messages, statuses, tickets, sessions): the floor's yardstick.
      const headAfter = await headPosition(app.store);
      const eventsPerPayload =
        complete && figures.sent > 0
          ? Number(positionCount(headAfter) - positionCount(headBefore)) / figures.sent
          : null;
      outcomes.push({ step, figures, processedPerSecond, cpuMsPerPayload, eventsPerPayload });
      if (step.processorPaused) processor.start();
    }
  } finally {
    peak = memory.stop();
    await app.close();
    if (projector && projector.exitCode === null) {
      projector.kill('SIGTERM');
      await once(projector, 'exit');
    }
    dir.dispose();
  }
  const rows = outcomes.map(({ step, figures, processedPerSecond, cpuMsPerPayload, eventsPerPayload }) => [
    step.label,
    `${fmt(figures.sent)} in ${fmt(figures.seconds, 1)} s`,
    `${fmt(figures.perSecond)} payloads/s (≈ ${fmt(figures.messagesPerSecond)} messages/s)`,
    `${fmt(figures.latency.p50, 1)} / ${fmt(figures.latency.p99, 1)} / ${fmt(figures.latency.max, 1)} ms`,
    Object.keys(figures.notOk).length === 0
      ? 'none'
      : Object.entries(figures.notOk)
          .map(([code, count]) => `${code}: ${count}`)
          .join(', '),
    figures.clientLagP99 === null ? 'closed loop' : `${fmt(figures.clientLagP99, 1)} ms`,
    step.processorPaused
      ? 'paused'
      : processedPerSecond !== null
        ? `${fmt(processedPerSecond)} payloads/s`
        : step.drainSeconds > 0
          ? 'not drained in time'
          : 'not waited for',
    cpuMsPerPayload === null ? '—' : `${fmt(cpuMsPerPayload, 2)} ms`,
    eventsPerPayload === null ? '—' : fmt(eventsPerPayload, 1),
  ]);
  const running = outcomes.filter((outcome) => !outcome.step.processorPaused);
  const max = running.length > 0 ? running[running.length - 1] : undefined;
  const edge = outcomes.find((outcome) => outcome.step.processorPaused);
  const metrics: Record<string, number> = {
    ...(max && { maxPayloadsPerSecond: max.figures.perSecond, maxP99Ms: max.figures.latency.p99 }),
    ...(edge && { edgePayloadsPerSecond: edge.figures.perSecond, edgeP99Ms: edge.figures.latency.p99 }),
    peakRssMiB: peak.rssMiB,
    peakHeapMiB: peak.heapUsedMiB,
    baselineRssMiB: baseline.rssMiB,
  };
  outcomes.forEach((outcome, index) => {
    metrics[`step${index}Rate`] = outcome.figures.perSecond;
    metrics[`step${index}P50`] = outcome.figures.latency.p50;
    metrics[`step${index}P99`] = outcome.figures.latency.p99;
    if (outcome.processedPerSecond !== null) metrics[`step${index}Processed`] = outcome.processedPerSecond;
    if (outcome.cpuMsPerPayload !== null) metrics[`step${index}CpuMsPerPayload`] = outcome.cpuMsPerPayload;
    if (outcome.eventsPerPayload !== null) metrics[`step${index}EventsPerPayload`] = outcome.eventsPerPayload;
    // By offered rate as well, for the targets (80/s and 1,000/s).
    const rate = outcome.step.rate;
    if (rate !== null && outcome.cpuMsPerPayload !== null)
      metrics[`cpuMsPerPayloadAt${rate}`] = outcome.cpuMsPerPayload;
    if (rate !== null && outcome.eventsPerPayload !== null)
      metrics[`eventsPerPayloadAt${rate}`] = outcome.eventsPerPayload;
  });
  const markdown = [
    markdownTable(
      [
        'Offered load',
        'Payloads sent',
        'Acknowledged (200, durable)',
        'Latency p50 / p99 / max',
        'Not 200',
        'Client lag p99',
        'Processed into tickets',
        'Service CPU per payload',
        'Events appended per payload',
      ],
      rows,
    ),
    '',
    `- Traffic: the simulator's generator (\`apps/simulator\`), ${fmt(sizes.contacts)} contacts writing to 3 connected numbers, one signed`,
    "  payload per POST, from a forked load process over loopback (keep-alive). The open-loop steps use the simulator's own",
    '  driver on a fixed schedule ("client lag" is how late it started requests against that schedule: above a few',
    '  milliseconds the service was not keeping up and requests waited for a free connection). That driver (fetch, a',
    '  payload generated and signed per request) needs most of a core at 1,000/s here, so at that step the client, the',
    '  service and its inbox processor share the two cores. The saturation steps',
    `  send ${fmt(sizes.prepared)} payloads generated and signed beforehand, closed loop, so the load process spends its core on`,
    "  sending only (it still shares the two cores with the service: about a third of a core at the full run's rates).",
    '- "Processed into tickets": payloads divided by the time from the step\'s first request until the inbox processor had',
    '  turned every stored payload into commands (messages, statuses, tickets, sessions), projections running alongside.',
    '  The saturation steps do not wait for it. In the last step the inbox processor is stopped: the webhook edge alone',
    '  (verify, store durably, answer), which is what Meta waits for; the processor catches up afterwards.',
    `- "Service CPU per payload": CPU time (user + system) of ${separate ? 'the API process and the projector process (from /proc)' : 'the process running the service'}, over the step and until`,
    '  its payloads were processed and every read model had applied them, divided by the payloads sent: what each payload',
    '  costs, whatever else runs on the machine. Shown for the steps that were drained, and for the webhook edge alone.',
    '- "Events appended per payload": what the log grew by over the same time, divided by the payloads (the payload in the',
    '  inbox, then the messages, statuses and sessions it carried). The targets table compares the CPU per payload with',
    "  what the floor and the peer spend to append that many events (the side-by-side scenario's CPU per event).",
    '- Before the steps, one unreported second at 200 payloads/s warms the service up (JIT, lazy set-up).',
    ...(separate
      ? [
          "- The service's default deployment: the API with PROJECTIONS=off and the projector (`npm run projector`) in a process",
          '  of its own, as PROJECTIONS=child-process runs it (the bench starts it itself to read its CPU time).',
        ]
      : ["- The read models run in the API's process (PROJECTIONS=in-process); scenario 1b runs them apart."]),
    `- Peak memory of the ${separate ? 'API process' : 'process running the service'} during this scenario: RSS ${fmt(peak.rssMiB)} MiB, V8 heap ${fmt(peak.heapUsedMiB)} MiB`,
    `  (the benchmark harness alone, before the service started: RSS ${fmt(baseline.rssMiB)} MiB).`,
  ].join('\n');
  return {
    id: separate ? 'ingest-projector' : 'ingest',
    title: separate
      ? "Scenario 1b — Webhook ingest, the projector in a process of its own (the service's default)"
      : 'Scenario 1 — Webhook ingest (signed POSTs, real service over loopback), read models in the same process',
    markdown,
    metrics,
  };
}

/** How many events a log of the embedded store holds up to `position` (it numbers them 1, 2, 3...). */
function positionCount(position: Position | null): bigint {
  return position?.commit ?? 0n;
}
