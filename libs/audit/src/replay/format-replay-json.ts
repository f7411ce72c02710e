import type { ReplayRow } from './replay-model.js';

export interface ReplayHeader {
  readonly conversationId: string;
  readonly stream: string;
  readonly asOf: string | null;
  readonly revealed: boolean;
}

/** One JSON document: the replay's header and its events. */
export function formatReplayJson(header: ReplayHeader, rows: readonly ReplayRow[]): string {
  return `${JSON.stringify({ ...header, events: rows }, null, 2)}\n`;
}

/** One JSON object per line, one per event, for jq and log tools. */
export function formatReplayNdjson(rows: readonly ReplayRow[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
