import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStore } from '../port/index.js';
import { ReconnectPolicy } from './all-subscription.js';
import { EventStoreDBEventStore } from './eventstoredb-event-store.js';

export {
  EventStoreDBEventStore,
  DEFAULT_APPEND_DEADLINE_MS,
  DEFAULT_SUBSCRIPTION_RECONNECT,
} from './eventstoredb-event-store.js';
export type { EventStoreDBEventStoreOptions } from './eventstoredb-event-store.js';
export type { ReconnectPolicy } from './all-subscription.js';

export interface ConnectEventStoreDBOptions {
  /** How `$all` subscriptions resubscribe after a dropped connection unless they say otherwise. Default: 10 × 500 ms. */
  readonly subscriptionReconnect?: ReconnectPolicy;
  /** The deadline sent with each append (default 60 s, see DEFAULT_APPEND_DEADLINE_MS). */
  readonly appendDeadlineMs?: number;
}

/**
 * An EventStore backed by EventStoreDB, e.g. `esdb://localhost:2113?tls=false`.
 * No connection is made until the first call: the client connects lazily and reconnects by itself.
 */
export function connectEventStoreDB(connectionString: string, options: ConnectEventStoreDBOptions = {}): EventStore {
  const client = EventStoreDBClient.connectionString(connectionString);
  return new EventStoreDBEventStore(client, {
    subscriptionReconnect: options.subscriptionReconnect,
    appendDeadlineMs: options.appendDeadlineMs,
  });
}
