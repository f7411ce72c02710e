import type { ReplayRow, ReplayStateSummary } from './replay-model.js';

const COLUMNS = ['rev', 'created', 'type', 'actor', 'rule', 'correlation', 'causation'] as const;

/** A human-readable replay: one line per event, then its data and the state after it, indented. */
export function formatReplayTable(rows: readonly ReplayRow[]): string {
  if (rows.length === 0) return 'no events\n';
  const cells = rows.map((row) => [
    row.revision,
    row.created,
    row.type,
    row.actor ?? '-',
    row.ruleVersion ?? '-',
    row.correlationId ?? '-',
    row.causationId ?? '-',
  ]);
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, column) => value.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS)];
  rows.forEach((row, index) => {
    out.push(line(cells[index]));
    out.push(`    data   ${JSON.stringify(row.data)}`);
    out.push(`    state  ${formatStateSummary(row.state)}`);
  });
  return `${out.join('\n')}\n`;
}

/** "ticket Open (owner agent-1); session open until ...; 2 messages; last inbound: Hello" */
export function formatStateSummary(state: ReplayStateSummary): string {
  const ticket =
    state.ticketStatus === null ? 'no ticket' : `ticket ${state.ticketStatus} (owner ${state.ticketOwner ?? 'none'})`;
  const session = state.sessionOpenUntil === null ? 'no open session' : `session open until ${state.sessionOpenUntil}`;
  const count = `${state.messageCount} message${state.messageCount === 1 ? '' : 's'}`;
  const last =
    state.lastMessage === null
      ? 'no last message'
      : `last ${state.lastMessage.direction}: ${oneLine(state.lastMessage.text)}`;
  return [ticket, session, count, last].join('; ');
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
