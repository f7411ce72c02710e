import { createWriteStream } from 'node:fs';
import { formatSummary } from './format-summary.js';
import { serveGraphApi } from './graph-api/serve-graph-api.js';
import { runSimulation } from './run-simulation.js';
import { SIMULATE_USAGE, parseSimulateArgs } from './simulate-args.js';

/** `npm run simulate -- --targets demo-targets.json --rate 50 --duration 30`: see SIMULATE_USAGE. */
async function main(): Promise<number> {
  // `simulate graph-api ...` serves the fake Graph API instead of sending traffic.
  if (process.argv[2] === 'graph-api') return serveGraphApi(process.argv.slice(3), process.env);
  let parsed;
  try {
    parsed = parseSimulateArgs(process.argv.slice(2), process.env, new Date());
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${SIMULATE_USAGE}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${SIMULATE_USAGE}\n`);
    return 0;
  }
  const { options, logFile } = parsed;
  const log = logFile ? createWriteStream(logFile) : undefined;
  const stop = new AbortController();
  // Ctrl-C stops scheduling; what is in flight finishes and the summary still prints.
  process.once('SIGINT', () => stop.abort());
  const target = options.traffic.count ?? `${options.durationSeconds} s`;
  process.stdout.write(`simulating ${target} at ${options.traffic.rate}/s to ${options.url} (seed ${options.seed})\n`);
  const summary = await runSimulation({
    ...options,
    signal: stop.signal,
    ...(log && { onRequest: (line) => log.write(`${JSON.stringify(line)}\n`) }),
  });
  if (log) await new Promise((resolve) => log.end(resolve));
  process.stdout.write(`${formatSummary(summary)}\n`);
  return summary.gaveUp > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
