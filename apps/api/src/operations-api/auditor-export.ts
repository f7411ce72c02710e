import {
  type ExportSigner,
  type ExportVerifyKey,
  type ExportedEvent,
  type ReferenceEvent,
  type RevealMark,
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
  revealsBy,
} from '@helpdesk/audit';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import { readPortalConversation } from './portal-conversation.js';

/**
 * Exports as an auditor takes them away over GraphQL: `helpdesk export`'s NDJSON, hash chain and
 * signed trailer, except that quarantined content is hidden, as in `conversationHistory`, since
 * revealing it is a recorded act of its own: only the auditor who recorded a reveal sees that
 * message's content, for a while, and the line names the reveal (`revealed`). Verifying compares
 * with the same view of the store, so an export can never confirm a guess of quarantined content.
 */
export interface AuditorExport {
  readonly ndjson: string;
  readonly count: number;
  readonly lastHash: string;
  readonly scope: string;
  readonly keyId: string;
  /** Events whose message content was replaced by the placeholder. */
  readonly hiddenEvents: number;
  /** Events whose quarantined content is shown under the caller's recorded reveal. */
  readonly revealedEvents: number;
}

interface ViewedEvent {
  readonly event: ExportedEvent;
  readonly hidden: boolean;
  /** The event with its content and the reveal, when hidden and revealed to the caller: shown, or accepted in a verified line. */
  readonly revealed?: ExportedEvent;
}

const NO_REVEALS: ReadonlyMap<string, RevealMark> = new Map();

/** One event as the auditor sees it, given the message ids quarantined in its stream and those revealed to the caller. */
function viewed(
  recorded: RecordedEvent,
  quarantined: ReadonlySet<string>,
  reveals: ReadonlyMap<string, RevealMark> = NO_REVEALS,
): ViewedEvent {
  const event = toExportedEvent(recorded);
  const messageId = (recorded.data as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string' || !quarantined.has(messageId)) return { event, hidden: false };
  const data = redactData(recorded.type, recorded.data);
  const hidden = canonicalJson(data) !== canonicalJson(recorded.data);
  const mark = reveals.get(messageId);
  return {
    event: { ...event, data },
    hidden,
    ...(hidden && mark && { revealed: { ...event, revealed: mark } }),
  };
}

/**
 * The conversation's events, quarantined content hidden in every event that carries it, also
 * before the quarantine; `reveals`: the messages whose content the caller may see, and under which reveal.
 */
export function auditorView(
  events: readonly RecordedEvent[],
  reveals: ReadonlyMap<string, RevealMark> = NO_REVEALS,
): ViewedEvent[] {
  const quarantined = new Set(quarantinedMessageIds(events));
  return events.map((recorded) => viewed(recorded, quarantined, reveals));
}

/** `reveals`: the messages revealed to the caller that are still visible to them (see visibleReveals). */
export function exportConversation(
  conversationId: string,
  events: readonly RecordedEvent[],
  signer: ExportSigner,
  reveals: ReadonlyMap<string, RevealMark> = NO_REVEALS,
): AuditorExport {
  const scope = conversationScope(conversationId);
  const chain = new ExportChain(scope, signer);
  const view = auditorView(events, reveals).map(({ event, hidden, revealed }) =>
    revealed ? { event: revealed, hidden: false, revealed: true } : { event, hidden, revealed: false },
  );
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
    revealedEvents: view.filter((event) => event.revealed).length,
  };
}

/**
 * The store as the portal's auditor sees it: its conversations and, for a portal export, its own
 * portal's streams, quarantined content hidden. Anything else reads as absent, whether it exists or not.
 * A conversation line may instead hold the content under the verifying auditor's own reveal (its
 * latest up to the export's end, whenever that was): the export they took while it was visible
 * verifies later too, and confirms nothing they have not been shown under a recorded reveal.
 */
export function auditorReference(store: EventStore, portalId: string, actorId: string): StoreReference {
  return async (trailer) => {
    const scope = parseScope(trailer.scope);
    if (scope?.kind === 'portal' && scope.id === portalId) return hiddenPortalEvents(store, portalId, trailer.last);
    const events = scope?.kind === 'conversation' ? await readPortalConversation(store, portalId, scope.id) : null;
    if (events === null) return { absent: `${trailer.scope} is not a conversation of this portal in the store` };
    const exported = upToLast(events, trailer.last);
    return (async function* (): AsyncGenerator<ReferenceEvent> {
      for (const { event, revealed } of auditorView(exported, revealsBy(exported, actorId)))
        yield revealed ? { ...event, orRevealed: revealed } : event;
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
  actorId: string,
  text: string,
  keys: readonly ExportVerifyKey[],
  expected: ExpectedExport = {},
): Promise<Verdict> {
  const expectScope = (scope: string): string | undefined => {
    if (expected.conversationId !== undefined) return conversationScope(expected.conversationId);
    if (expected.portal || parseScope(scope)?.kind === 'portal') return portalScope(portalId);
    return undefined;
  };
  return verifyExport(linesOfText(text), { keys, expectScope, reference: auditorReference(store, portalId, actorId) });
}
