import { InvalidEventError } from './errors.js';
import { EventToAppend } from './recorded-event.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Both adapters refuse the same input the same way, before anything reaches the disk or the wire. */
export function validateEventsToAppend(streamName: string, events: readonly EventToAppend[]): void {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new InvalidEventError('Stream name must be a non-empty string');
  }
  if (streamName.startsWith('$')) {
    throw new InvalidEventError(`Stream '${streamName}' is a system stream and cannot be written`);
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidEventError(`Event id '${event.id}' is not a UUID`);
    if (seen.has(event.id.toLowerCase()))
      throw new InvalidEventError(`Event id '${event.id}' appears twice in one append`);
    seen.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidEventError(`Event ${event.id} has no type`);
    }
    if (event.type.startsWith('$')) throw new InvalidEventError(`Event type '${event.type}' is reserved for the store`);
    if (event.data === undefined) throw new InvalidEventError(`Event ${event.id} has no data`);
  }
}
