import type { Position as ClientPosition } from '@eventstore/db-client';
import { Position, RecordedEvent, isSystemEventType } from '../port/index.js';
import { fromWireEventMetadata } from './map-event-metadata.js';
import { fromClientPosition } from './map-positions.js';

/** What we use of the client's recorded event, whether it comes from a stream read, `$all` or a subscription. */
export interface ClientRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata?: unknown;
  readonly position?: ClientPosition;
}

export interface ClientResolvedEvent {
  readonly event?: ClientRecordedEvent;
  readonly commitPosition?: bigint;
}

/** `undefined` when the client hands over no event (only possible for unresolved links, which we never ask for). */
export function toRecordedEvent(resolved: ClientResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (event === undefined) return undefined;
  return {
    id: event.id,
    type: event.type,
    // JSON events arrive parsed; binary events (written by other tools) stay bytes.
    data: event.data,
    metadata: fromWireEventMetadata(event.metadata),
    streamName: event.streamId,
    revision: event.revision,
    // Every server we support sends a position; -1 marks the impossible case rather than inventing one.
    position: positionOf(resolved) ?? { commit: -1n, prepare: -1n },
    created: event.created,
  };
}

/**
 * Servers before 22.6 don't send an event's position on stream reads, only the commit position:
 * use it for both numbers then, which still orders events correctly in a single-node log.
 */
export function positionOf(resolved: ClientResolvedEvent): Position | undefined {
  const position = resolved.event?.position;
  if (position !== undefined) return fromClientPosition(position);
  if (resolved.commitPosition !== undefined) {
    return { commit: resolved.commitPosition, prepare: resolved.commitPosition };
  }
  return undefined;
}

/**
 * What `$all` reads and subscriptions never yield: system event types, and anything in a system
 * stream (`$`-prefixed: metastreams, projections' emitted streams, stats), whatever its type.
 */
export function isSystemRecord(event: RecordedEvent): boolean {
  return isSystemEventType(event.type) || event.streamName.startsWith('$');
}
