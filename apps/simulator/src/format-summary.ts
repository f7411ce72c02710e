import type { SimulationSummary } from './simulation-summary.js';

/** The summary as the `simulate` command prints it: one figure per line, zero counts left out. */
export function formatSummary(summary: SimulationSummary): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const counts = (record: Readonly<Record<string, number>>) =>
    Object.entries(record)
      .filter(([, count]) => count > 0)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  const total = (record: Readonly<Record<string, number>>) =>
    Object.values(record).reduce((sum, count) => sum + count, 0);
  // A few late starts (a GC pause, the first connection) are noise; a late median or full slots are not.
  const behind = summary.lagMs.p50 > Math.max(5, 1000 / summary.targetRate) || summary.lagMs.max > 1000;
  const advice = [
    behind ? 'fell behind the schedule' : '',
    summary.waitedForSlot > 0
      ? `${summary.waitedForSlot} payloads waited for a free slot: raise --concurrency or lower --rate`
      : '',
  ].filter(Boolean);
  const lines = [
    `payloads   ${summary.payloads} in ${(summary.elapsedMs / 1000).toFixed(2)} s (${summary.duplicates} redeliveries, ` +
      `${summary.unknownNumber} to unknown numbers, ${summary.multiEntry} multi-entry)`,
    `messages   ${total(summary.messagesByType)}: ${counts(summary.messagesByType)}`,
    `statuses   ${total(summary.statusesByKind)}: ${counts(summary.statusesByKind)} ` +
      `(${summary.outOfOrderStatuses} out of order)`,
    `requests   ${summary.requests} (${summary.retries} retries)`,
    `http       ${counts(summary.responses)}`,
    `delivered  ${summary.delivered}, gave up ${summary.gaveUp}`,
    `latency    p50 ${ms(summary.latencyMs.p50)}, p99 ${ms(summary.latencyMs.p99)}, max ${ms(summary.latencyMs.max)}`,
    `rate       ${summary.achievedRate.toFixed(1)} payloads/s achieved, ${summary.targetRate} targeted`,
    `lag        p50 ${ms(summary.lagMs.p50)}, p99 ${ms(summary.lagMs.p99)}, max ${ms(summary.lagMs.max)}` +
      (advice.length > 0 ? `  (${advice.join('; ')})` : ''),
  ];
  return lines.join('\n');
}
