import type { EventStoreConfig } from '@helpdesk/config';
import { EventStore, openSqliteEventStore } from './index.js';
import { connectEventStoreDB } from './eventstoredb/index.js';

export interface OpenEventStoreOptions {
  /** Stamps the embedded store's events (`created`, ms since the epoch); tests set it. EventStoreDB stamps its own. */
  readonly now?: () => number;
}

/**
 * Followers of `$all` (projections, the inbox processor, session expiry, notifications) must
 * outlive an EventStoreDB outage however long it lasts: they resubscribe from their last event
 * every half second until the server is back, instead of failing for good after a few attempts.
 */
export const SERVICE_SUBSCRIPTION_RECONNECT = { maxAttempts: Number.POSITIVE_INFINITY, delayMs: 500 } as const;

export function openEventStore(config: EventStoreConfig, { now }: OpenEventStoreOptions = {}): EventStore {
  return config.adapter === 'eventstoredb'
    ? connectEventStoreDB(config.connectionString, { subscriptionReconnect: SERVICE_SUBSCRIPTION_RECONNECT })
    : openSqliteEventStore({ dataDir: config.dataDir, ...(now && { now }) });
}
