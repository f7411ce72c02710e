import 'reflect-metadata';
import type { ScenarioResult } from './scenario.js';

/**
 * One scenario per process: each starts with a clean heap (so its memory figures are its own) and
 * a crash or a leak stays in it. `run-benchmarks.ts` forks this with `{ scenario, options }` as JSON.
 */
const scenarios: Record<string, (options: never) => Promise<ScenarioResult>> = {
  'event-store': async (options) => (await import('./event-store.bench.js')).benchmarkEventStoreSection(options),
  peers: async (options) => (await import('./peers.bench.js')).benchmarkPeers(options),
  ingest: async (options) => (await import('./ingest.bench.js')).benchmarkIngest(options),
  'ingest-projector': async (options) => (await import('./ingest.bench.js')).benchmarkIngest(options),
  lag: async (options) => (await import('./lag.bench.js')).benchmarkLag(options),
  'lag-projector': async (options) => (await import('./lag.bench.js')).benchmarkLag(options),
  audit: async (options) => (await import('./audit.bench.js')).benchmarkAudit(options),
  'large-history': async (options) => (await import('./large-history.bench.js')).benchmarkLargeHistory(options),
  amplify: async (options) => (await import('./queries.bench.js')).amplifyReadModel(options),
  queries: async (options) => (await import('./queries.bench.js')).benchmarkQueries(options),
  'rebuild-postgres': async (options) => (await import('./large-history.bench.js')).benchmarkPostgresRebuild(options),
  kill: async (options) => (await import('./kill.bench.js')).benchmarkKill(options),
};

async function main(): Promise<void> {
  const { scenario, options } = JSON.parse(process.argv[2]) as { scenario: string; options: never };
  const run = scenarios[scenario];
  if (!run) throw new Error(`no scenario '${scenario}'`);
  const result = await run(options);
  process.send!({ ok: true, result }, () => process.exit(0));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.send!({ ok: false, error: message }, () => process.exit(1));
});
