import type { EventStore } from './event-store.port.js';
import type { Position, RecordedEvent } from './recorded-event.js';

/** The newest event of `$all`, or null when the log is empty. */
export async function lastEvent(store: EventStore): Promise<RecordedEvent | null> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 })) return event;
  return null;
}

/** Where `$all` ends now: the newest event's position, or null when the log is empty. */
export async function headPosition(store: EventStore): Promise<Position | null> {
  return (await lastEvent(store))?.position ?? null;
}

/** Where `$all` starts: the oldest event's position, or null when the log is empty. */
export async function firstPosition(store: EventStore): Promise<Position | null> {
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: 'start', maxCount: 1 }))
    return event.position;
  return null;
}
