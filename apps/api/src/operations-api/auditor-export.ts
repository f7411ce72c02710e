import {
  type ExportSigner,
  type ExportVerifyKey,
  type ExportedEvent,
  type StoreReference,
  type Verdict,
  ExportChain,
  canonicalJson,
  conversationScope,
  linesOfText,
  parseScope,
  portalEvents,
  portalScope,
  toExportedEvent,
  upToLast,
  verifyExport,
  quarantinedMessageIds,
  redactData,
} from '@helpdesk/audit';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import { readPortalConversation } from './portal-conversation.js';

/**
 * Exports as an auditor takes them away over GraphQL: `helpdesk export`'s NDJSON, hash chain and
 * signed trailer, except that quarantined content is hidden, as in `conversationHistory`, since
 * revealing it is a recorded act of its own. Verifying compares with the same hidden view of the
 * store, so an export can never confirm a guess of quarantined content.
 */
export interface AuditorExport {
  readonly ndjson: string;
  readonly count: number;
  readonly lastHash: string;
  readonly scope: string;
  readonly keyId: string;
  /** Events whose message content was replaced by the placeholder. */
  readonly hiddenEvents: number;
}

interface ViewedEvent {
  readonly event: ExportedEvent;
  readonly hidden: boolean;
}

/** One event as the auditor sees it, given the message ids quarantined in its stream. */
function viewed(recorded: RecordedEvent, quarantined: ReadonlySet<string>): ViewedEvent {
  const event = toExportedEvent(recorded);
  const messageId = (recorded.data as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string' || !quarantined.has(messageId)) return { event, hidden: false };
  const data = redactData(recorded.type, recorded.data);
  return { event: { ...event, data }, hidden: canonicalJson(data) !== canonicalJson(recorded.data) };
}

/** The conversation's events, quarantined content hidden in every event that carries it, also before the quarantine. */
export function auditorView(events: readonly RecordedEvent[]): ViewedEvent[] {
  const quarantined = new Set(quarantinedMessageIds(events));
  return events.map((recorded) => viewed(recorded, quarantined));
}

export function exportConversation(
  conversationId: string,
  events: readonly RecordedEvent[],
  signer: ExportSigner,
): AuditorExport {
  const scope = conversationScope(conversationId);
  const chain = new ExportChain(scope, signer);
  const view = auditorView(events);
  const lines = view.map(({ event }) => chain.line(event));
  const trailer = chain.trailer();
  const { count, headHash } = JSON.parse(trailer) as { count: number; headHash: string };
  return {
    ndjson: [...lines, trailer].join(''),
    count,
    lastHash: headHash,
    scope,
    keyId: signer.keyId,
    hiddenEvents: view.filter((event) => event.hidden).length,
  };
}

/**
 * The store as the portal's auditor sees it: its conversations and, for a portal export, its own
 * portal's streams, quarantined content hidden. Anything else reads as absent, whether it exists or not.
 */
export function auditorReference(store: EventStore, portalId: string): StoreReference {
  return async (trailer) => {
    const scope = parseScope(trailer.scope);
    if (scope?.kind === 'portal' && scope.id === portalId) return hiddenPortalEvents(store, portalId, trailer.last);
    const events = scope?.kind === 'conversation' ? await readPortalConversation(store, portalId, scope.id) : null;
    if (events === null) return { absent: `${trailer.scope} is not a conversation of this portal in the store` };
    return (async function* () {
      for (const { event } of auditorView(upToLast(events, trailer.last))) yield event;
    })();
  };
}

/** The portal's export as its auditor sees it: quarantined content hidden, stream by stream, up to `last`. */
async function* hiddenPortalEvents(
  store: EventStore,
  portalId: string,
  last: Parameters<typeof portalEvents>[2],
): AsyncGenerator<ExportedEvent> {
  const quarantined = new Map<string, Set<string>>();
  // portalEvents' first pass over $all also gathers the quarantined messages, before the first event is yielded.
  const gather = (event: RecordedEvent) => {
    if (event.type !== 'MessageQuarantined') return;
    const ids = quarantined.get(event.streamName) ?? new Set<string>();
    ids.add(String((event.data as { messageId?: unknown }).messageId));
    quarantined.set(event.streamName, ids);
  };
  const none = new Set<string>();
  for await (const event of portalEvents(store, portalId, last, gather))
    yield viewed(event, quarantined.get(event.streamName) ?? none).event;
}

/** What the auditor says the export is of (`--conversation` / `--portal` of the CLI); nothing: any export of theirs. */
export interface ExpectedExport {
  readonly conversationId?: string;
  readonly portal?: true;
}

/**
 * `helpdesk export verify`'s verification, against the portal's store as its auditor sees it: a
 * conversation's export, or the portal's own. An export of anything but what is expected is
 * refused (`scope`); a portal export must always be of the auditor's portal.
 */
export function verifyAuditorExport(
  store: EventStore,
  portalId: string,
  text: string,
  keys: readonly ExportVerifyKey[],
  expected: ExpectedExport = {},
): Promise<Verdict> {
  const expectScope = (scope: string): string | undefined => {
    if (expected.conversationId !== undefined) return conversationScope(expected.conversationId);
    if (expected.portal || parseScope(scope)?.kind === 'portal') return portalScope(portalId);
    return undefined;
  };
  return verifyExport(linesOfText(text), { keys, expectScope, reference: auditorReference(store, portalId) });
}
