import { parseArgs } from 'node:util';
import { type RebuildResult, rebuildProjections } from '@helpdesk/projections/core/blue-green-rebuild.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { RebuildProgress } from '@helpdesk/projections/core/rebuild-progress.js';
import { UsageError, type CliIo } from '../cli-command.js';
import { ProgressPrinter } from './progress-bar.js';
import { withStores } from '../app-context/with-stores.js';

/**
 * `helpdesk projections rebuild <name>|--all [--fresh]`: blue/green rebuilds, all of them with one
 * read of the event log. Ctrl-C stops after the current batch and leaves the builds to be resumed
 * by the same command. Exit 1 when a rebuild failed (its live tables were kept; the others still
 * switch in), 130 when interrupted.
 */
export async function projectionsRebuild(
  argv: readonly string[],
  io: CliIo,
  projections: readonly Projection[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
    },
  });
  if (values.all === positionals.length > 0 || positionals.length > 1)
    throw new UsageError('name one projection or pass --all');
  const chosen = values.all ? projections : projections.filter((projection) => projection.name === positionals[0]);
  if (chosen.length === 0)
    throw new UsageError(
      `unknown projection '${positionals[0]}' (known: ${projections.map((p) => p.name).join(', ')})`,
    );
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
    throw new UsageError('--batch-size must be a positive integer');

  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const results = await withStores(io, 'projections', (store, db) =>
      rebuildProjections(store, db, chosen, {
        fresh: values.fresh,
        batchSize,
        signal: interrupt.signal,
        onProgress: progressPrinter(io, chosen.length),
      }),
    );
    return results.map((result) => report(io, result)).reduce((worst, code) => Math.max(worst, code), 0);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** One redrawn line for one projection on a terminal; several rebuilt together print lines, each at most every 2 s. */
function progressPrinter(io: CliIo, projections: number): (progress: RebuildProgress) => void {
  const isTty = io.stderrIsTty === true && projections === 1;
  const printers = new Map<string, ProgressPrinter>();
  return (progress) => {
    let printer = printers.get(progress.projection);
    if (!printer) printers.set(progress.projection, (printer = new ProgressPrinter(io.stderr, isTty)));
    printer.update(progress);
  };
}

/** Prints how one rebuild ended; its exit code. */
function report(io: CliIo, result: RebuildResult): number {
  const { projection } = result;
  if ('error' in result) {
    io.stderr(`\n${projection.name}: ${result.error.message}\n`);
    return 1;
  }
  const { outcome } = result;
  if (outcome.state === 'interrupted') {
    io.stdout(
      `${projection.name}: build ${outcome.build} interrupted after ${outcome.eventsHandled} events; run the same command to resume it\n`,
    );
    return 130;
  }
  const resumed = outcome.resumed ? ' (resumed)' : '';
  io.stdout(
    `${projection.name} v${projection.version}: build ${outcome.build}${resumed} switched in, ${outcome.eventsHandled} events handled\n`,
  );
  return 0;
}
