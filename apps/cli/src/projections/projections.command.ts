import { parseArgs } from 'node:util';
import type { DriftCheckResult } from '@helpdesk/projections/core/rebuild-to-position.js';
import { checkProjectionDrift } from '@helpdesk/projections/core/rebuild-to-position.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import {
  LAG_COUNT_CAP,
  type StoredProjectionStatus,
  formatSeconds,
  readProjectionStatuses,
} from '@helpdesk/projections/core/projection-status.js';
import {
  type InboxBacklog,
  readInboxBacklog,
  readInboxProcessorCheckpoint,
} from '@helpdesk/projections/core/inbox-backlog.js';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { UsageError, type CliCommand, type CliIo } from '../cli-command.js';
import { projectionsRebuild } from './projections-rebuild.js';
import { withStores } from '../app-context/with-stores.js';

const USAGE = `Usage: helpdesk projections status [--format table|json]
       helpdesk projections check <name>|--all
       helpdesk projections rebuild <name>|--all [--fresh] [--batch-size N]

status  For each registered read model: version, checkpoint position, events handled, lag behind
        $all in events (counted up to ${LAG_COUNT_CAP.toLocaleString('en-US')}) and in seconds, last error and rows per table;
        then the inbox backlog: WhatsApp webhook payloads stored and not yet processed (the table's
        last line; not in --format json, whose shape stays an array of projections).
check   Rebuilds the read model in memory from the event store up to its stored checkpoint and
        compares every table row by row with the stored one. Exit code 1 when they differ.
rebuild Rebuilds from the start of history into new tables while the live ones keep serving, then
        switches them in atomically (blue/green), with a progress bar (rate, ETA); --all rebuilds
        every read model with one read of the event log, each switched in on its own. Killed or
        interrupted (Ctrl-C), the same command resumes the build; --fresh discards it and starts
        over. A projection that throws fails the build: nothing is switched, exit code 1.

Reads the stores the API uses (DATA_DIR or EVENTSTORE_URL, READ_STORE_URL).`;

/** How many ids of each kind a drift report names. */
const SAMPLE_IDS = 5;

export const projectionsCommand: CliCommand = {
  name: 'projections',
  summary: 'read model status (checkpoint, lag, rows) and drift check against a rebuild',
  usage: USAGE,
  run: (argv, io) => runProjections(argv, io),
};

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
    options: { all: { type: 'boolean', default: false } },
  });
  if (values.all === positionals.length > 0 || positionals.length > 1)
    throw new UsageError('name one projection or pass --all');
  const names = projections.map((projection) => projection.name);
  const chosen = values.all ? projections : projections.filter((projection) => projection.name === positionals[0]);
  if (chosen.length === 0) throw new UsageError(`unknown projection '${positionals[0]}' (known: ${names.join(', ')})`);
  let drifted = 0;
  await withStores(io, 'projections', async (store, db) => {
    for (const projection of chosen) {
      const result = await checkProjectionDrift(store, db, projection);
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
