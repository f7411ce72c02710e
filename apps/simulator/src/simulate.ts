import { createWriteStream } from 'node:fs';
import { ProgressLine, formatCount, progressBar } from '@helpdesk/demo';
import { formatSummary } from './format-summary.js';
import { runSimulation } from './run-simulation.js';
import { SIMULATE_USAGE, parseSimulateArgs } from './simulate-args.js';

/** Where `simulate` writes, what it reads from the environment, and what stops it. */
export interface SimulateIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Progress redraws one line on a terminal, and shows there without --progress. */
  readonly stderrIsTty: boolean;
  readonly now: Date;
  /** Ctrl-C: stops scheduling; what is in flight finishes and the summary still prints. */
  readonly signal?: AbortSignal;
}

/** `npm run simulate -- --targets demo-targets.json --rate 50 --duration 30`: see SIMULATE_USAGE. Returns the exit code. */
export async function simulate(argv: readonly string[], io: SimulateIo): Promise<number> {
  let parsed;
  try {
    parsed = parseSimulateArgs(argv, io.env, io.now);
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${SIMULATE_USAGE}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout(`${SIMULATE_USAGE}\n`);
    return 0;
  }
  const { options, logFile } = parsed;
  const log = logFile ? createWriteStream(logFile) : undefined;
  const progress = parsed.progress || io.stderrIsTty ? new ProgressLine(io.stderr, io.stderrIsTty) : undefined;
  const line = (done: number, total: number) =>
    `simulate ${progressBar(total === 0 ? 1 : done / total)}  ${formatCount(done)}/${formatCount(total)} payloads done`;
  let last: [number, number] | undefined;
  const target = options.traffic.count ?? `${options.durationSeconds} s`;
  io.stdout(`simulating ${target} at ${options.traffic.rate}/s to ${options.url} (seed ${options.seed})\n`);
  const summary = await runSimulation({
    ...options,
    ...(io.signal && { signal: io.signal }),
    ...(log && { onRequest: (request) => log.write(`${JSON.stringify(request)}\n`) }),
    ...(progress && {
      onProgress: (done, total) => {
        last = [done, total];
        progress.update(() => line(done, total));
      },
    }),
  });
  if (progress && last) progress.done(line(...last));
  if (log) await new Promise((resolve) => log.end(resolve));
  io.stdout(`${formatSummary(summary)}\n`);
  return summary.gaveUp > 0 ? 1 : 0;
}
