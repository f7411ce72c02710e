import { StreamNotFoundError, type EventStore, type RecordedEvent } from '@helpdesk/event-store';

/** The events of `stream`, oldest first; none for a stream never written. */
export async function eventsOf(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readStream(stream)) events.push(event);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return events;
}
