/** A position in the global `$all` log. EventStoreDB has two numbers; the embedded store uses one for both. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Who did what under which rule: carried by every event we write. */
export interface EventMetadata {
  readonly tenantId?: string;
  readonly actorId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly ruleVersion?: string;
  /**
   * W3C Trace Context of the span that decided the event (`00-{trace id}-{span id}-{flags}`), when
   * tracing was on: joins the event to its trace. Stored as is on both adapters.
   */
  readonly traceparent?: string;
  readonly [key: string]: unknown;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface EventToAppend<Data = unknown> {
  /**
   * A UUID. A retry with the same ids at the same exact revision or `no_stream` is a no-op that
   * answers as the first write did, on every adapter and at any later time. With `any` or
   * `stream_exists` nothing is promised: EventStoreDB recognises such a retry only while the
   * original is in the leader's memory of recent commits (8 MiB, emptied by a restart or a
   * failover), and otherwise writes the events again.
   */
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly created: Date;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** System events (`$metadata`, `$streamDeleted`, ...) are the store's bookkeeping, never domain events. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}
