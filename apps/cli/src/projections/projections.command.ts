import { parseArgs } from 'node:util';
import type { DriftCheckResult } from '@helpdesk/projections/core/rebuild-to-position.js';
import { checkProjectionDrift } from '@helpdesk/projections/core/rebuild-to-position.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import {
  LAG_COUNT_CAP,
  type StoredProjectionStatus,
  formatSeconds,
  readCheckpointOrNull,
  readProjectionStatuses,
} from '@helpdesk/projections/core/projection-status.js';
import {
  type InboxBacklog,
  readInboxBacklog,
  readInboxProcessorCheckpoint,
} from '@helpdesk/projections/core/inbox-backlog.js';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { ProgressLine, formatCount, progressBar } from '@helpdesk/demo';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';
import { projectionsRebuild } from './projections-rebuild.js';
import { withStores } from '../app-context/with-stores.js';

/** How many ids of each kind a drift report names. */
const SAMPLE_IDS = 5;

export const runProjectionsCommand: CliRunner = (argv, io) => runProjections(argv, io);

export async function runProjections(
  argv: readonly string[],
  io: CliIo,
  projections: readonly Projection[] = REGISTERED_PROJECTIONS,
): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === 'status') return projectionsStatus(rest, io, projections);
  if (subcommand === 'check') return projectionsCheck(rest, io, projections);
  if (subcommand === 'rebuild') return projectionsRebuild(rest, io, projections);
  throw new UsageError(subcommand === undefined ? 'a subcommand is required' : `unknown subcommand '${subcommand}'`);
}

async function projectionsStatus(
  argv: readonly string[],
  io: CliIo,
  projections: readonly Projection[],
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { format: { type: 'string', default: 'table' } },
  });
  if (values.format !== 'table' && values.format !== 'json')
    throw new UsageError(`--format must be table or json (got '${values.format}')`);
  const { statuses, backlog } = await withStores(io, 'projections', async (store, db) => ({
    statuses: await readProjectionStatuses(store, db, projections),
    backlog:
      values.format === 'json'
        ? null
        : await readInboxBacklog(store, await readInboxProcessorCheckpoint(store), LAG_COUNT_CAP),
  }));
  io.stdout(
    values.format === 'json'
      ? `${JSON.stringify(statuses.map(statusJson), null, 2)}\n`
      : formatStatusTable(statuses) + (backlog ? formatInboxBacklog(backlog) : ''),
  );
  return 0;
}

async function projectionsCheck(
  argv: readonly string[],
  io: CliIo,
  projections: readonly Projection[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, progress: { type: 'boolean', default: false } },
  });
  if (values.all === positionals.length > 0 || positionals.length > 1)
    throw new UsageError('name one projection or pass --all');
  const names = projections.map((projection) => projection.name);
  const chosen = values.all ? projections : projections.filter((projection) => projection.name === positionals[0]);
  if (chosen.length === 0) throw new UsageError(`unknown projection '${positionals[0]}' (known: ${names.join(', ')})`);
  let drifted = 0;
  const showProgress = values.progress || io.stderrIsTty === true;
  await withStores(io, 'projections', async (store, db) => {
    for (const projection of chosen) {
      const result = showProgress
        ? await checkWithProgress(store, db, projection, new ProgressLine(io.stderr, io.stderrIsTty === true))
        : await checkProjectionDrift(store, db, projection);
      io.stdout(formatCheck(result));
      if (!result.report.equal) drifted++;
    }
  });
  io.stdout(
    drifted === 0
      ? `OK: ${chosen.length} read model(s) equal a rebuild from history\n`
      : `DRIFT in ${drifted} of ${chosen.length} read model(s)\n`,
  );
  return drifted === 0 ? 0 : 1;
}

/**
 * The drift check, counting the events its rebuild reads as they pass: a bar over the log up to
 * the stored checkpoint (measured in positions, as the rebuilds' bar is), then the comparison.
 */
async function checkWithProgress(
  store: EventStore,
  db: ReadDatabase,
  projection: Projection,
  progress: ProgressLine,
): Promise<DriftCheckResult> {
  const until = (await readCheckpointOrNull(db, projection))?.position?.commit ?? 0n;
  let read = 0;
  const line = (at: bigint) => {
    const fraction = until === 0n ? 1 : Number(at) / Number(until);
    return `${projection.name} check ${progressBar(fraction)}  ${formatCount(read)} events replayed`;
  };
  const counting = readingAllThrough(store, (event) => {
    read++;
    progress.update(() => line(event.position.commit));
  });
  const result = await checkProjectionDrift(counting, db, projection);
  progress.done(`${line(until)}, compared`);
  return result;
}

/** `store`, with `onEvent` called for every event its `readAll` yields. */
function readingAllThrough(store: EventStore, onEvent: (event: RecordedEvent) => void): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'readAll') {
        return async function* (...args: Parameters<EventStore['readAll']>) {
          for await (const event of target.readAll(...args)) {
            onEvent(event);
            yield event;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function positionText(status: Pick<StoredProjectionStatus, 'position'>): string {
  if (!status.position) return '-';
  const { commit, prepare } = status.position;
  return commit === prepare ? commit.toString() : `${commit}/${prepare}`;
}

function lagEventsText(status: StoredProjectionStatus): string {
  return status.lagCapped ? `>${status.lagEvents}` : String(status.lagEvents);
}

function lagSecondsText(status: StoredProjectionStatus): string {
  if (status.lagEvents === 0) return 'caught up';
  return status.lagSeconds === null ? '?' : formatSeconds(status.lagSeconds);
}

function rulesText(status: StoredProjectionStatus): string {
  if (status.currentRulesVersion === null) return '-';
  return status.stale
    ? `STALE ${status.rulesVersion ?? 'unknown'} -> ${status.currentRulesVersion}`
    : status.currentRulesVersion;
}

function rowsText(status: StoredProjectionStatus): string {
  return Object.entries(status.rows)
    .map(([table, count]) => `${table}=${count === null ? 'no table' : count}`)
    .join(' ');
}

export function formatStatusTable(statuses: readonly StoredProjectionStatus[]): string {
  const header = [
    'PROJECTION',
    'VERSION',
    'POSITION',
    'HANDLED',
    'LAG EVENTS',
    'LAG TIME',
    'LAST ERROR',
    'RULES',
    'REBUILD',
    'ROWS',
  ];
  const rows = statuses.map((status) => [
    status.name,
    `v${status.version}`,
    positionText(status),
    String(status.eventsHandled),
    lagEventsText(status),
    lagSecondsText(status),
    status.lastError ?? '-',
    rulesText(status),
    status.pendingRebuild ? `build ${status.pendingRebuild.build} ${status.pendingRebuild.state}` : '-',
    rowsText(status),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  const notes = statuses.some((status) => status.lagCapped)
    ? [`(lag counts stop at ${LAG_COUNT_CAP}: '>' means at least that many)`]
    : [];
  const stale = statuses.filter((status) => status.stale).map((status) => status.name);
  if (stale.length > 0)
    notes.push(
      `STALE (built under other rules than the code's): ${stale.join(', ')}; run 'helpdesk projections rebuild <name>'`,
    );
  return [line(header), ...rows.map(line), ...notes, ''].join('\n');
}

/**
 * A burst of webhook payloads is a few events in `$all` until the processor turns them into
 * commands: the projections look caught up while it works through them, so it gets its own line.
 */
export function formatInboxBacklog(backlog: InboxBacklog): string {
  if (backlog.payloads === 0) return 'INBOX BACKLOG  0 payloads (every stored webhook payload is processed)\n';
  const count = `${backlog.capped ? '>' : ''}${backlog.payloads}`;
  return `INBOX BACKLOG  ${count} payload(s) stored and not yet processed, oldest received ${backlog.oldestReceivedAt}\n`;
}

function statusJson(status: StoredProjectionStatus) {
  return {
    ...status,
    position: status.position && {
      commit: status.position.commit.toString(),
      prepare: status.position.prepare.toString(),
    },
    caughtUp: status.lagEvents === 0,
  };
}

export function formatCheck({ projection, checkpoint, rebuilt, report }: DriftCheckResult): string {
  const at = checkpoint?.position ? `position ${positionText(checkpoint)}` : 'no checkpoint';
  const head = `${projection.name} v${projection.version} at ${at} (${rebuilt.eventsHandled} events replayed):`;
  if (report.equal) {
    const rows = report.tables.map((table) => `${table.table}=${table.actualRows}`).join(' ');
    return `${head} OK (${rows})\n`;
  }
  const lines = [`${head} DRIFT`];
  for (const table of report.tables) {
    if (table.missing.length + table.extra.length + table.differing.length === 0) continue;
    lines.push(`  table ${table.table}: rebuilt ${table.expectedRows} rows, stored ${table.actualRows}`);
    if (table.missing.length > 0)
      lines.push(`    missing ${table.missing.length} (stored lacks): ${sample(table.missing)}`);
    if (table.extra.length > 0) lines.push(`    extra ${table.extra.length} (not in rebuild): ${sample(table.extra)}`);
    if (table.differing.length > 0) lines.push(`    differing ${table.differing.length}: ${sample(table.differing)}`);
    if (table.firstDifference) {
      lines.push(`    first difference, id ${table.firstDifference.id} (rebuilt -> stored):`);
      for (const difference of table.firstDifference.differences) {
        lines.push(`      ${difference.path}: ${difference.expected} -> ${difference.actual}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function sample(ids: readonly string[]): string {
  const shown = ids.slice(0, SAMPLE_IDS).join(', ');
  return ids.length > SAMPLE_IDS ? `${shown}, ... (${ids.length - SAMPLE_IDS} more)` : shown;
}
