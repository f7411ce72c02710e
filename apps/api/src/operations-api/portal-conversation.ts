import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, type RecordedEvent, StreamDeletedError, StreamNotFoundError } from '@helpdesk/event-store';

/**
 * Every event of a conversation of the portal, in revision order; null when there is no such
 * conversation or it belongs to another portal (the caller cannot tell which).
 */
export async function readPortalConversation(
  store: EventStore,
  portalId: string,
  conversationId: string,
): Promise<RecordedEvent[] | null> {
  const events = await readStreamOrNull(store, conversationStreamName(conversationId));
  return events !== null && portalOf(events) === portalId ? events : null;
}

async function readStreamOrNull(store: EventStore, stream: string): Promise<RecordedEvent[] | null> {
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readStream(stream)) events.push(event);
  } catch (error) {
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return null;
    throw error;
  }
  return events.length > 0 ? events : null;
}

/** The portal the conversation belongs to, as ConversationStarted records it. */
function portalOf(events: readonly RecordedEvent[]): string | undefined {
  const started = events.find((event) => event.type === 'ConversationStarted');
  return (started?.data as { portalId?: string } | undefined)?.portalId ?? started?.metadata.tenantId;
}
