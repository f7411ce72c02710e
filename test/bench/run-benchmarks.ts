import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchmarkEventStore } from './event-store.bench.js';
import { describeMachine, formatTable } from './measure.js';

/** `npm run bench` (add `-- --quick` for a smoke run): rewrites BENCHMARKS.md. Not a test. */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes = quick
    ? { runs: 2, singleAppends: 200, concurrentWriters: 16, concurrentAppendsPerWriter: 50, batches: 20, readAllEvents: 20_000 }
    : { runs: 5, singleAppends: 2_000, concurrentWriters: 64, concurrentAppendsPerWriter: 200, batches: 200, readAllEvents: 200_000 };
  const figures = await benchmarkEventStore(sizes);
  const report = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`; every figure is measured on the machine below, in one run of the script.',
    quick ? '\n**Quick mode: small sizes, for a smoke run only.**\n' : '',
    '## Machine',
    '',
    describeMachine(),
    '',
    '## Embedded event store (SQLite, WAL, synchronous=FULL: every acknowledged append is fsynced)',
    '',
    formatTable(figures),
    '',
    '- Single appends pay one fsync each: that is the price of "on disk before we say 200".',
    '- Concurrent appends share fsyncs through group commit: appends queued in the same event-loop turn commit in one transaction.',
    '- Reads page through the log 512 rows at a time and parse each event\'s JSON.',
    '',
  ].join('\n');
  const target = resolve('BENCHMARKS.md');
  writeFileSync(target, report);
  process.stdout.write(`${report}\nwrote ${target}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
