import { Position, RecordedEvent } from './recorded-event.js';

/**
 * A server-side filter on `$all`, one kind at a time as in EventStoreDB.
 * `checkpointEvery` is how many events the server scans between two checkpoints while filtering.
 */
export type AllFilter = (
  | { readonly on: 'eventType'; readonly prefixes: readonly string[] }
  | { readonly on: 'eventType'; readonly regex: string }
  | { readonly on: 'streamName'; readonly prefixes: readonly string[] }
  | { readonly on: 'streamName'; readonly regex: string }
) & { readonly checkpointEvery?: number };

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** Everything up to this position was scanned; resume from here to skip filtered-out events. */
  | { readonly kind: 'checkpoint'; readonly position: Position }
  /**
   * The subscription has delivered all history and now receives live events. May repeat: after a
   * reconnect, and on EventStoreDB 24.x/KurrentDB 25.x after a live subscriber fell behind. Servers
   * before 23.10 never send it: never wait for it without a bound.
   */
  | { readonly kind: 'caughtUp' };

export interface SubscribeToAllOptions {
  /** Exclusive: the first event delivered is the one after this position. Default: 'start'. */
  readonly fromPosition?: Position | 'start' | 'end';
  readonly filter?: AllFilter;
  /** How often to retry after the connection drops, resuming from the last event or checkpoint. */
  readonly reconnect?: { readonly maxAttempts: number; readonly delayMs: number };
}

/**
 * Pull-based: the consumer's pace is the subscription's pace (backpressure).
 * Iteration ends after `close()`; it throws `StoreUnavailableError` when reconnecting gives up.
 */
export interface AllSubscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}
