import { formatSummary } from './format-summary.js';
import { MESSAGE_TYPES, STATUS_KINDS } from './message-types.js';
import type { SimulationSummary } from './simulation-summary.js';

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
const summary: SimulationSummary = {
  payloads: 100,
  duplicates: 5,
  unknownNumber: 1,
  multiEntry: 4,
  messagesByType: { ...zeros(MESSAGE_TYPES), text: 40, reaction: 3 },
  statusesByKind: { ...zeros(STATUS_KINDS), sent: 20, read: 10 },
  outOfOrderStatuses: 2,
  requests: 104,
  retries: 4,
  responses: { '200': 100, '503': 4 },
  delivered: 100,
  gaveUp: 0,
  latencyMs: { p50: 2.04, p99: 9.5, max: 12 },
  lagMs: { p50: 0.2, p99: 3, max: 20 },
  waitedForSlot: 0,
  targetRate: 50,
  achievedRate: 49.96,
  elapsedMs: 2012,
};

describe('formatSummary', () => {
  it('prints every figure, leaving out zero counts', () => {
    expect(formatSummary(summary)).toBe(
      [
        'payloads   100 in 2.01 s (5 redeliveries, 1 to unknown numbers, 4 multi-entry)',
        'messages   43: text 40, reaction 3',
        'statuses   30: sent 20, read 10 (2 out of order)',
        'requests   104 (4 retries)',
        'http       200 100, 503 4',
        'delivered  100, gave up 0',
        'latency    p50 2.0 ms, p99 9.5 ms, max 12.0 ms',
        'rate       50.0 payloads/s achieved, 50 targeted',
        'lag        p50 0.2 ms, p99 3.0 ms, max 20.0 ms',
      ].join('\n'),
    );
  });

  it('says when the driver fell behind or ran out of slots', () => {
    const late = formatSummary({ ...summary, lagMs: { p50: 40, p99: 900, max: 1500 }, waitedForSlot: 30 });
    expect(late).toMatch(
      /lag .*\(fell behind the schedule; 30 payloads waited for a free slot: raise --concurrency or lower --rate\)$/,
    );
  });
});
