import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@helpdesk/event-store';

/** The hash the first line chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** One event as exported: bigints as decimal strings, the time as ISO. */
export interface ExportedEvent {
  readonly stream: string;
  readonly revision: string;
  readonly position: { readonly commit: string; readonly prepare: string };
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: string;
}

/** An event line: the event, the previous line's hash and this line's hash. */
export interface ExportLine extends ExportedEvent {
  readonly prevHash: string;
  readonly hash: string;
}

export interface ExportSummary {
  readonly summary: true;
  readonly scope: string;
  readonly count: number;
  readonly lastHash: string;
}

export function toExportedEvent(event: RecordedEvent): ExportedEvent {
  return {
    stream: event.streamName,
    revision: event.revision.toString(),
    position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    created: event.created.toISOString(),
  };
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** SHA-256 of the previous hash and the event's canonical JSON. */
export function hashOf(prevHash: string, event: ExportedEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(event)).digest('hex');
}

/** Builds the chain one event at a time, so an export streams instead of holding every event. */
export class ExportChain {
  private lastHash = GENESIS_HASH;
  private count = 0;

  constructor(private readonly scope: string) {}

  line(event: RecordedEvent | ExportedEvent): string {
    const exported = 'streamName' in event ? toExportedEvent(event) : event;
    const hash = hashOf(this.lastHash, exported);
    const line: ExportLine = { ...exported, prevHash: this.lastHash, hash };
    this.lastHash = hash;
    this.count += 1;
    return `${JSON.stringify(line)}\n`;
  }

  summary(): string {
    const summary: ExportSummary = { summary: true, scope: this.scope, count: this.count, lastHash: this.lastHash };
    return `${JSON.stringify(summary)}\n`;
  }
}

export type ChainCheck =
  | { readonly ok: true; readonly events: readonly ExportedEvent[]; readonly lineNumbers: readonly number[]; readonly summary: ExportSummary }
  | { readonly ok: false; readonly line: number; readonly problem: string };

/** Recomputes the chain of an export's text; names the first line (1-based) that does not hold. */
export function checkChain(text: string): ChainCheck {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prevHash = GENESIS_HASH;
  const events: ExportedEvent[] = [];
  const lineNumbers: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    const number = index + 1;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(lines[index]) as Record<string, unknown>;
    } catch {
      return { ok: false, line: number, problem: 'not valid JSON' };
    }
    if (parsed === null || typeof parsed !== 'object') return { ok: false, line: number, problem: 'not a JSON object' };
    if (parsed.summary === true) {
      if (index !== lines.length - 1) return { ok: false, line: number, problem: 'summary line before the end of the file' };
      if (parsed.count !== events.length) {
        return { ok: false, line: number, problem: `summary count ${String(parsed.count)} but ${events.length} event lines` };
      }
      if (parsed.lastHash !== prevHash) return { ok: false, line: number, problem: 'summary lastHash is not the last line hash' };
      return { ok: true, events, lineNumbers, summary: parsed as unknown as ExportSummary };
    }
    const { prevHash: claimedPrev, hash, ...rest } = parsed;
    const event = rest as unknown as ExportedEvent;
    if (typeof event.stream !== 'string' || typeof event.revision !== 'string' || typeof event.id !== 'string') {
      return { ok: false, line: number, problem: 'not an exported event (stream, revision, id)' };
    }
    if (claimedPrev !== prevHash) return { ok: false, line: number, problem: 'prevHash is not the previous line hash' };
    const expected = hashOf(prevHash, event);
    if (hash !== expected) return { ok: false, line: number, problem: `hash mismatch (content changed): expected ${expected}` };
    prevHash = expected;
    events.push(event);
    lineNumbers.push(number);
  }
  return { ok: false, line: lines.length + 1, problem: 'missing summary line (file truncated?)' };
}
