import { conversationIdFromStreamName } from '@helpdesk/domain';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import { type ExportSummary, type ExportedEvent, ExportChain, canonicalJson, checkChain, toExportedEvent } from '../../../cli/src/export/export-chain.js';
import { quarantinedMessageIds, redactData } from '../../../cli/src/replay/replay-model.js';
import { readPortalConversation } from './portal-conversation.js';

/**
 * Exports as an auditor takes them away over GraphQL: `helpdesk export`'s NDJSON and hash chain,
 * except that quarantined content is hidden, as in `conversationHistory`, since revealing it is a
 * recorded act of its own. Verifying compares with the same hidden view of the store, so an
 * export can never confirm a guess of quarantined content.
 */
export interface AuditorExport {
  readonly ndjson: string;
  readonly count: number;
  readonly lastHash: string;
  readonly scope: string;
  /** Events whose message content was replaced by the placeholder. */
  readonly hiddenEvents: number;
}

export type ExportVerification =
  | { readonly ok: true; readonly count: number; readonly lastHash: string }
  | { readonly ok: false; readonly line: number; readonly problem: string };

interface ViewedEvent {
  readonly event: ExportedEvent;
  readonly hidden: boolean;
}

/** The conversation's events, quarantined content hidden in every event that carries it, also before the quarantine. */
export function auditorView(events: readonly RecordedEvent[]): ViewedEvent[] {
  const quarantined = new Set(quarantinedMessageIds(events));
  return events.map((recorded) => {
    const event = toExportedEvent(recorded);
    const messageId = (recorded.data as { messageId?: unknown } | null)?.messageId;
    if (typeof messageId !== 'string' || !quarantined.has(messageId)) return { event, hidden: false };
    const data = redactData(recorded.type, recorded.data);
    return { event: { ...event, data }, hidden: canonicalJson(data) !== canonicalJson(recorded.data) };
  });
}

export function exportConversation(conversationId: string, events: readonly RecordedEvent[]): AuditorExport {
  const scope = `conversation ${conversationId}`;
  const chain = new ExportChain(scope);
  const view = auditorView(events);
  const lines = view.map(({ event }) => chain.line(event));
  const summary = chain.summary();
  const { count, lastHash } = JSON.parse(summary) as ExportSummary;
  return { ndjson: [...lines, summary].join(''), count, lastHash, scope, hiddenEvents: view.filter((viewed) => viewed.hidden).length };
}

/**
 * Recomputes the chain (`helpdesk export verify`), then compares every event with the portal's
 * conversations in the store as the auditor sees them: id, type, position, time, data and metadata.
 * A stream that is not a conversation of the portal reads as absent, whether it exists or not.
 */
export async function verifyExport(store: EventStore, portalId: string, text: string): Promise<ExportVerification> {
  const check = checkChain(text);
  if (!check.ok) return check;
  const views = new Map<string, Map<string, ViewedEvent> | null>();
  for (const [index, exported] of check.events.entries()) {
    if (!views.has(exported.stream)) views.set(exported.stream, await storedView(store, portalId, exported.stream));
    const problem = differenceWith(views.get(exported.stream) ?? null, exported);
    if (problem) return { ok: false, line: check.lineNumbers[index], problem };
  }
  return { ok: true, count: check.summary.count, lastHash: check.summary.lastHash };
}

async function storedView(store: EventStore, portalId: string, stream: string): Promise<Map<string, ViewedEvent> | null> {
  const conversationId = conversationIdFromStreamName(stream);
  const events = conversationId === null ? null : await readPortalConversation(store, portalId, conversationId);
  return events && new Map(auditorView(events).map((viewed) => [viewed.event.revision, viewed]));
}

const COMPARED = ['id', 'type', 'position', 'created', 'data', 'metadata'] as const;

function differenceWith(view: ReadonlyMap<string, ViewedEvent> | null, exported: ExportedEvent): string | null {
  if (view === null) return `stream ${exported.stream} is not a conversation of this portal in the store`;
  const where = `${exported.stream}@${exported.revision}`;
  const stored = view.get(exported.revision);
  if (!stored) return `${where}: no event at this revision in the store`;
  const field = COMPARED.find((name) => canonicalJson(stored.event[name]) !== canonicalJson(exported[name]));
  if (field === undefined) return null;
  const hidden = field === 'data' && stored.hidden ? ' (quarantined content is verified in its hidden form)' : '';
  return `${where}: ${field} differs from the store${hidden}`;
}
