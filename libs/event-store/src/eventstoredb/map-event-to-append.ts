import { jsonEvent, type EventData, type JSONType } from '@eventstore/db-client';
import { EventToAppend, InvalidEventError } from '../port/index.js';
import { toWireEventMetadata } from './map-event-metadata.js';

/** One of our events as the client's JSON event (content type application/json, so projections can read it). */
export function toClientEventData(event: EventToAppend): EventData {
  const metadata = toWireEventMetadata(event.metadata);
  assertJsonSerialisable(event.data, `Event ${event.id} data`);
  if (metadata !== undefined) assertJsonSerialisable(metadata, `Event ${event.id} metadata`);
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client types data as object | array | string, but serialises any JSON value with JSON.stringify.
    data: event.data as JSONType,
    metadata,
  });
}

/**
 * The client serialises inside a promise executor, where a throw (BigInt, cycle) becomes an unhandled
 * rejection and the append never settles. Serialise once here to refuse such events up front.
 */
function assertJsonSerialisable(value: unknown, what: string): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidEventError(
      `${what} is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof json !== 'string') throw new InvalidEventError(`${what} is not a JSON value`);
}
