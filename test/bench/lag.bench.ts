import { CommandBus } from '@nestjs/cqrs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { formatPosition } from '../../apps/api/src/graphql/positions.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { headOf, startBenchApp, startProjectorProcess } from './bench-app.js';
import { benchConfig, benchDir, seedPortal } from './bench-env.js';
import { type Latency, fmt, latencyOf, markdownTable } from './measure.js';
import type { ScenarioResult } from './scenario.js';

export interface LagStep {
  /** Inbound messages per second, open loop. */
  readonly rate: number;
  readonly seconds: number;
}

export interface LagSizes {
  /** The first step is the one the target is about; later ones show the lag at rates the service sustains. */
  readonly steps: readonly LagStep[];
  readonly contacts: number;
  /** Every n-th message is also looked for through GraphQL. */
  readonly graphqlEvery: number;
  /**
   * `in-process`: the API runs the read models. `process` (as the service's default,
   * PROJECTIONS=child-process): the API runs with PROJECTIONS=off and the projector runs them in a
   * process of its own (its own core).
   */
  readonly projector?: 'in-process' | 'process';
}

interface Bucket {
  readonly lags: number[];
  readonly graphqlLags: number[];
  readonly commandTimes: number[];
  seen: number;
  failures: number;
  firstFailure: string;
  achieved: number;
}

const newBucket = (): Bucket => ({
  lags: [],
  graphqlLags: [],
  commandTimes: [],
  seen: 0,
  failures: 0,
  firstFailure: '',
  achieved: 0,
});

/**
 * Scenario 2: inbound messages at a steady rate through the service's own command handler (route,
 * contact lookup, load, decide, append, index), and for each `InboundMessageReceived` the time from
 * its append (the store's timestamp) until every read model has applied it, which is when
 * `tickets(atLeastPosition:)` answers; every n-th is also asked for through GraphQL (in-process inject).
 */
export async function benchmarkLag(sizes: LagSizes): Promise<ScenarioResult> {
  const dir = benchDir('lag');
  const separate = sizes.projector === 'process';
  const config = benchConfig(dir.path, separate ? { PROJECTIONS: 'off' } : {});
  const target = await seedPortal(config, 'lag', 3, new Date(Date.now() - 24 * 3600_000));
  const projector = separate ? startProjectorProcess(dir.path) : undefined;
  const app = await startBenchApp(config);
  const bus = app.app.get(CommandBus);
  const projections = app.app.get(ProjectionsService);
  const token = app.token(target.portalId);
  // The projector first catches up with the seeded history (its own start-up is not measured).
  await projections.whenCaughtUp();
  const pending = new Set<Promise<void>>();
  const buckets: Bucket[] = [];
  let current = newBucket();
  const subscription = app.store.subscribeToAll({
    fromPosition: (await headOf(app.store)) ?? 'start',
    filter: { on: 'eventType', regex: '^InboundMessageReceived$' },
  });
  const watching = (async () => {
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      const bucket = current;
      const appendedAt = message.event.created.getTime();
      const position = message.event.position;
      const sample = bucket.seen++ % sizes.graphqlEvery === 0;
      const watch = projections.whenCaughtUp(position).then(async () => {
        bucket.lags.push(Date.now() - appendedAt);
        if (sample) {
          await app.graphql(token, 'query ($p: String) { tickets(atLeastPosition: $p, first: 1) { totalCount } }', {
            p: formatPosition(position),
          });
          bucket.graphqlLags.push(Date.now() - appendedAt);
        }
      });
      pending.add(watch);
      void watch.finally(() => pending.delete(watch));
    }
  })();
  let sequence = 0;
  try {
    for (const step of sizes.steps) {
      current = newBucket();
      buckets.push(current);
      const bucket = current;
      const total = Math.round(step.rate * step.seconds);
      const commands = new Set<Promise<void>>();
      const started = performance.now();
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / step.rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const n = sequence++;
        const number = target.numbers[n % target.numbers.length];
        const contact = 1 + ((n * 7919) % sizes.contacts);
        const sent = performance.now();
        const run = bus
          .execute(
            new ReceiveInboundMessageCommand({
              phoneNumberId: number.phoneNumberId,
              wamid: `wamid.lag.${n}`,
              from: `+3162${String(contact).padStart(7, '0')}`,
              sentAt: new Date(Date.now() - 1000).toISOString(),
              content: { kind: 'text', body: `Lag probe ${n}: where is my order?` },
            }),
          )
          .then(
            () => void bucket.commandTimes.push(performance.now() - sent),
            (error: unknown) => {
              bucket.failures++;
              bucket.firstFailure ||= String(error);
            },
          );
        commands.add(run);
        void run.finally(() => commands.delete(run));
      }
      bucket.achieved = total / ((performance.now() - started) / 1000);
      await Promise.all(commands);
      // Everything of this step is visible before the next starts (bounded).
      const deadline = Date.now() + 60_000;
      while ((bucket.seen < total - bucket.failures || pending.size > 0) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await subscription.close();
    await watching;
  } finally {
    await app.close();
    if (projector && projector.exitCode === null) {
      projector.kill('SIGTERM');
      await once(projector, 'exit');
    }
    dir.dispose();
  }
  const cell = (latency: Latency) => [
    fmt(latency.count),
    `${fmt(latency.p50, 1)} ms`,
    `${fmt(latency.p99, 1)} ms`,
    `${fmt(latency.max, 1)} ms`,
  ];
  const rows = buckets.flatMap((bucket, index) => {
    const { rate } = sizes.steps[index];
    return [
      [`${fmt(rate)}/s`, 'Append → applied by all six read models', ...cell(latencyOf(bucket.lags))],
      [
        `${fmt(rate)}/s`,
        'Append → answered by GraphQL `tickets(atLeastPosition:)`',
        ...cell(latencyOf(bucket.graphqlLags)),
      ],
      [
        `${fmt(rate)}/s`,
        'Receive-message command, sent → done (for reference)',
        ...cell(latencyOf(bucket.commandTimes)),
      ],
    ];
  });
  const first = buckets[0];
  const metrics: Record<string, number> = {
    rate: sizes.steps[0].rate,
    lagP50: latencyOf(first.lags).p50,
    lagP99: latencyOf(first.lags).p99,
    graphqlP50: latencyOf(first.graphqlLags).p50,
    graphqlP99: latencyOf(first.graphqlLags).p99,
    commandP50: latencyOf(first.commandTimes).p50,
    achieved: first.achieved,
    failures: first.failures,
  };
  buckets.slice(1).forEach((bucket, index) => {
    metrics[`step${index + 1}Rate`] = sizes.steps[index + 1].rate;
    metrics[`step${index + 1}LagP99`] = latencyOf(bucket.lags).p99;
    metrics[`step${index + 1}GraphqlP99`] = latencyOf(bucket.graphqlLags).p99;
  });
  const markdown = [
    markdownTable(['Offered', 'Measured', 'Count', 'p50', 'p99', 'max'], rows),
    '',
    ...buckets.map(
      (bucket, index) =>
        `- ${fmt(sizes.steps[index].rate)} messages/s for ${fmt(sizes.steps[index].seconds)} s: sent at ${fmt(bucket.achieved)}/s` +
        (bucket.failures ? `; ${bucket.failures} commands failed (first: ${bucket.firstFailure.slice(0, 200)})` : '') +
        '.',
    ),
    separate
      ? `- ${fmt(sizes.contacts)} contacts writing to 3 numbers, through the command bus of the API process (no HTTP), which runs with` +
        '\n  PROJECTIONS=off; the projector (`npm run projector`) runs the read models in a process of its own, woken by a watch of' +
        "\n  the event store's directory, and the API learns of its checkpoints through a watch of the read store's." +
        '\n  When the command handler cannot keep up with the offered rate, messages queue before they are appended;'
      : `- ${fmt(sizes.contacts)} contacts writing to 3 numbers, through the command bus in this process (no HTTP), the whole service` +
        '\n  running. When the command handler cannot keep up with the offered rate, messages queue before they are appended;',
    "  the lag is counted from the append, so it shows the read models' delay, and the command row shows the queue.",
    '- The append time is the store\'s own timestamp of the event (milliseconds); "applied" is when the projection group',
    "  committed the batch holding it (all six read models' rows and checkpoints in one transaction).",
  ].join('\n');
  return separate
    ? {
        id: 'lag-projector',
        title: "Scenario 2b — Projection lag, the projector in a process of its own (the service's default)",
        markdown,
        metrics,
      }
    : { id: 'lag', title: 'Scenario 2 — Projection lag under a steady load', markdown, metrics };
}
