import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, type RecordedEvent, StreamDeletedError, StreamNotFoundError } from '@helpdesk/event-store';
import { type EventRef, type ExportTrailer, type ExportedEvent, parseScope, toExportedEvent } from './export-format.js';
import type { StoreReference } from './verify-export.js';

/** Whether `event` comes at or before `last` in `$all`. */
export function atOrBefore(event: RecordedEvent, last: EventRef): boolean {
  const commit = BigInt(last.position.commit);
  return (
    event.position.commit < commit ||
    (event.position.commit === commit && event.position.prepare <= BigInt(last.position.prepare))
  );
}

/** Every event of the conversation's stream, in revision order; null when there is no such stream. */
export async function conversationEvents(store: EventStore, conversationId: string): Promise<RecordedEvent[] | null> {
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readStream(conversationStreamName(conversationId))) events.push(event);
  } catch (error) {
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return null;
    throw error;
  }
  return events.length > 0 ? events : null;
}

/**
 * Every event of every stream in which some event carries `metadata.tenantId === portalId`, in `$all`
 * order, up to `last` (included) when given: what `helpdesk export portal` wrote, read again.
 * Two passes over `$all`; `firstPass` sees every event of the first, before anything is yielded.
 */
export async function* portalEvents(
  store: EventStore,
  portalId: string,
  last?: EventRef | null,
  firstPass?: (event: RecordedEvent) => void,
): AsyncGenerator<RecordedEvent> {
  if (last === null) return;
  const streams = new Set<string>();
  for await (const event of store.readAll()) {
    if (last && !atOrBefore(event, last)) break;
    if (event.metadata.tenantId === portalId) streams.add(event.streamName);
    firstPass?.(event);
  }
  for await (const event of store.readAll()) {
    if (last && !atOrBefore(event, last)) break;
    if (streams.has(event.streamName)) yield event;
  }
}

/** A conversation's events up to the trailer's last revision: what was exported, as the store has it now. */
export function upToLast(events: readonly RecordedEvent[], last: EventRef | null): RecordedEvent[] {
  if (last === null) return [];
  const revision = BigInt(last.revision);
  return events.filter((event) => event.revision <= revision);
}

async function* exported(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
): AsyncGenerator<ExportedEvent> {
  for await (const event of events) yield toExportedEvent(event);
}

/** The store as `helpdesk export` reads it, every stream, nothing hidden: the CLI's reference. */
export function storeReference(store: EventStore): StoreReference {
  return async (trailer: ExportTrailer) => {
    const scope = parseScope(trailer.scope);
    if (scope?.kind === 'portal') return exported(portalEvents(store, scope.id, trailer.last));
    if (scope?.kind === 'conversation') {
      const events = await conversationEvents(store, scope.id);
      if (events === null) return { absent: `${trailer.scope} is not in the store` };
      return exported(upToLast(events, trailer.last));
    }
    return { absent: `scope '${trailer.scope}' is neither a conversation nor a portal` };
  };
}
