import { fileURLToPath } from 'node:url';
import { inspectAfterTheFire } from '../crash/after-the-fire.js';
import { runUnderFire } from '../crash/api-under-fire.js';
import { benchDir } from './bench-env.js';
import { fmt, markdownTable, median } from './measure.js';
import type { ScenarioResult } from './scenario.js';

export interface KillSizes {
  readonly messages: number;
  readonly kills: number;
  readonly concurrency: number;
  readonly seed: number;
}

/**
 * The load the kill test holds (issue 8), measured: the same run as test/crash/api-kill9.int.spec.ts
 * against the built API (`dist/apps/api/src/main.js`), with what was found afterwards.
 */
export async function benchmarkKill(sizes: KillSizes): Promise<ScenarioResult> {
  const dir = benchDir('kill');
  try {
    const api = fileURLToPath(new URL('../../apps/api/src/main.js', import.meta.url));
    const run = await runUnderFire({ dataDir: dir.path, apiCommand: [process.execPath, api], ...sizes });
    const after = await inspectAfterTheFire(dir.path);
    const lost = run.payloads.filter((payload) => !after.storedBodies.has(payload.body)).length;
    const notOnce = run.messagesSent.filter(
      (wamid) => after.receivedEvents.get(wamid) !== 1 || after.threadEntries.get(wamid) !== 1,
    ).length;
    const answers = Object.entries(run.answers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status === 'none' ? 'no answer (killed, refused)' : status}: ${fmt(count)}`)
      .join(', ');
    const acknowledgedPerSecond = run.payloads.length / run.seconds;
    const markdown = [
      markdownTable(
        ['Held during the kill test', 'Figure'],
        [
          ['Inbound messages sent (distinct, to connected numbers)', fmt(run.messagesSent.length)],
          ["Payloads (with statuses, Meta's redeliveries, unknown numbers)", fmt(run.payloads.length)],
          ['Requests, retries included', `${fmt(run.requests)} (${answers})`],
          [
            'SIGKILLs of the API',
            `${run.kills} (the last after every payload was acknowledged, while the inbox was still being processed)`,
          ],
          [
            'Wall time, first request to the last kill',
            `${fmt(run.seconds, 1)} s: ${fmt(acknowledgedPerSecond)} payloads acknowledged/s on average, restarts included`,
          ],
          ['Restart until /health answered 200 (median)', `${fmt(median(run.restartSeconds), 2)} s`],
          ['Acknowledged payloads missing from the inbox', fmt(lost)],
          ['Messages not exactly once in the events and in their thread', fmt(notOnce)],
          [
            'Projections differing from a rebuild from history',
            after.drifted.length === 0 ? `none of ${after.projections}` : after.drifted.join(', '),
          ],
        ],
      ),
      '',
      `- ${sizes.concurrency} requests in flight, Meta's rule: the same bytes again after a backoff (25 ms doubling to 500 ms) until a 200.`,
      '  Kill moments are drawn at random (seeded) between 5 % and 95 % of the acknowledgements, plus 0–40 ms.',
      '- The API runs as its own process on the embedded stores; after the last kill the service is started once more to finish',
      '  the inbox and the projections, then every projection is compared with an in-memory rebuild.',
    ].join('\n');
    return {
      id: 'kill',
      title: 'Reliability — the load held while the API is SIGKILLed',
      markdown,
      metrics: {
        killMessages: run.messagesSent.length,
        killPayloadsPerSecond: acknowledgedPerSecond,
        killLost: lost,
        killNotOnce: notOnce,
      },
    };
  } finally {
    dir.dispose();
  }
}
