import type { AuditSizes } from './audit.bench.js';
import type { EventStoreBenchSizes } from './event-store.bench.js';
import type { IngestSizes } from './ingest.bench.js';
import type { KillSizes } from './kill.bench.js';
import type { LagSizes } from './lag.bench.js';
import type { LargeHistoryOptions } from './large-history.bench.js';
import type { PeerSizes } from './peers.bench.js';
import type { QuerySizes } from './queries.bench.js';

/** How big each scenario is: the full run (under 15 minutes on 2 cores) and the quick smoke run (about a minute). */
export interface BenchPlan {
  /** The whole script's time budget; PostgreSQL's rebuild gets what is left of it. */
  readonly budgetSeconds: number;
  readonly eventStore: EventStoreBenchSizes;
  readonly peers: PeerSizes;
  readonly audit: AuditSizes;
  readonly ingest: IngestSizes;
  readonly lag: LagSizes;
  readonly largeHistory: Omit<LargeHistoryOptions, 'dir'>;
  readonly queries: Omit<QuerySizes, 'dir'>;
  readonly kill: KillSizes;
  readonly postgres: { readonly minSeconds: number; readonly maxSeconds: number };
}

export const fullPlan: BenchPlan = {
  budgetSeconds: 13.5 * 60,
  eventStore: {
    runs: 5,
    singleAppends: 2_000,
    concurrentWriters: 64,
    concurrentAppendsPerWriter: 200,
    batches: 200,
    readAllEvents: 200_000,
  },
  peers: { runs: 3, singleAppends: 1_000, events: 25_000 },
  audit: { events: 10_000, runs: 5 },
  ingest: {
    contacts: 1_000,
    prepared: 20_000,
    steps: [
      {
        label: "80 payloads/s (Meta's default throughput per number)",
        rate: 80,
        seconds: 5,
        concurrency: 64,
        drainSeconds: 30,
      },
      {
        label: "1,000 payloads/s (Meta's maximum per number)",
        rate: 1_000,
        seconds: 5,
        concurrency: 256,
        drainSeconds: 90,
      },
      {
        label: 'Saturation: as fast as answered, 64 in flight',
        rate: null,
        seconds: 8,
        concurrency: 64,
        drainSeconds: 0,
      },
      {
        label: 'Saturation, inbox processor stopped (the webhook edge alone)',
        rate: null,
        seconds: 5,
        concurrency: 64,
        drainSeconds: 0,
        processorPaused: true,
      },
    ],
  },
  lag: {
    steps: [
      { rate: 1_000, seconds: 10 },
      { rate: 200, seconds: 5 },
    ],
    contacts: 2_000,
    graphqlEvery: 10,
  },
  largeHistory: { events: 1_000_000, breakdownEvents: 100_000, deadlineSeconds: 420 },
  queries: { tickets: 1_000_000, serverRequests: 200, serverSeconds: 8, loadSeconds: 5, concurrency: 8 },
  postgres: { minSeconds: 30, maxSeconds: 330 },
  kill: { messages: 10_000, kills: 6, concurrency: 32, seed: 20_261_121 },
};

export const quickPlan: BenchPlan = {
  budgetSeconds: 60,
  eventStore: {
    runs: 2,
    singleAppends: 200,
    concurrentWriters: 16,
    concurrentAppendsPerWriter: 50,
    batches: 20,
    readAllEvents: 20_000,
  },
  peers: { runs: 1, singleAppends: 100, events: 3_000 },
  audit: { events: 1_000, runs: 2 },
  ingest: {
    contacts: 200,
    prepared: 2_000,
    steps: [
      { label: '80 payloads/s', rate: 80, seconds: 1, concurrency: 16, drainSeconds: 5 },
      { label: '1,000 payloads/s', rate: 1_000, seconds: 1, concurrency: 64, drainSeconds: 10 },
      { label: 'Saturation, 32 in flight', rate: null, seconds: 1, concurrency: 32, drainSeconds: 0 },
      {
        label: 'Saturation, inbox processor stopped',
        rate: null,
        seconds: 1,
        concurrency: 32,
        drainSeconds: 0,
        processorPaused: true,
      },
    ],
  },
  lag: {
    steps: [
      { rate: 300, seconds: 2 },
      { rate: 100, seconds: 1 },
    ],
    contacts: 300,
    graphqlEvery: 10,
  },
  largeHistory: { events: 20_000, breakdownEvents: 5_000, deadlineSeconds: 60 },
  queries: { tickets: 10_000, serverRequests: 20, serverSeconds: 1, loadSeconds: 1, concurrency: 4 },
  postgres: { minSeconds: 5, maxSeconds: 10 },
  kill: { messages: 500, kills: 2, concurrency: 16, seed: 20_261_121 },
};
