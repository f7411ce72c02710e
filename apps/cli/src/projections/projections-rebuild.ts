import { parseArgs } from 'node:util';
import { RebuildConflictError, RebuildFailedError, rebuildProjection } from '../../../../projections/core/blue-green-rebuild.js';
import type { Projection } from '../../../../projections/core/projection.js';
import { UsageError, type CliIo } from '../cli-command.js';
import { ProgressPrinter } from './progress-bar.js';
import { withStores } from './with-stores.js';

/**
 * `helpdesk projections rebuild <name>|--all [--fresh]`: blue/green rebuilds one after another.
 * Ctrl-C stops after the current batch and leaves the build to be resumed by the same command.
 * Exit 1 when a rebuild failed (its live tables were kept), 130 when interrupted.
 */
export async function projectionsRebuild(argv: readonly string[], io: CliIo, projections: readonly Projection[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, fresh: { type: 'boolean', default: false }, 'batch-size': { type: 'string' } },
  });
  if (values.all === (positionals.length > 0) || positionals.length > 1) throw new UsageError('name one projection or pass --all');
  const chosen = values.all ? projections : projections.filter((projection) => projection.name === positionals[0]);
  if (chosen.length === 0) throw new UsageError(`unknown projection '${positionals[0]}' (known: ${projections.map((p) => p.name).join(', ')})`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError('--batch-size must be a positive integer');

  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    return await withStores(io, async (store, db) => {
      for (const projection of chosen) {
        const printer = new ProgressPrinter(io.stderr, io.stderrIsTty === true);
        try {
          const outcome = await rebuildProjection(store, db, projection, {
            fresh: values.fresh,
            batchSize,
            signal: interrupt.signal,
            onProgress: (progress) => printer.update(progress),
          });
          if (outcome.state === 'interrupted') {
            io.stdout(`${projection.name}: build ${outcome.build} interrupted after ${outcome.eventsHandled} events; run the same command to resume it\n`);
            return 130;
          }
          const resumed = outcome.resumed ? ' (resumed)' : '';
          io.stdout(`${projection.name} v${projection.version}: build ${outcome.build}${resumed} switched in, ${outcome.eventsHandled} events handled\n`);
        } catch (error) {
          if (!(error instanceof RebuildFailedError || error instanceof RebuildConflictError)) throw error;
          io.stderr(`\n${projection.name}: ${error.message}\n`);
          return 1;
        }
      }
      return 0;
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
