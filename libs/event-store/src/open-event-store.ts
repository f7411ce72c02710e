import type { EventStoreConfig } from '@helpdesk/config';
import { EventStore, openSqliteEventStore } from './index.js';

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

export async function openEventStore(
  config: EventStoreConfig,
  { now }: OpenEventStoreOptions = {},
): Promise<EventStore> {
  if (config.adapter === 'sqlite') return openSqliteEventStore({ dataDir: config.dataDir, ...(now && { now }) });
  // EventStoreDB's client (gRPC, protobuf) is loaded only when EVENTSTORE_URL asks for it: on the
  // embedded default it cost the idle projector about 11 MiB of RSS for nothing (lint:deps keeps it
  // out of the static imports).
  const { connectEventStoreDB } = await import('./eventstoredb/index.js');
  return connectEventStoreDB(config.connectionString, { subscriptionReconnect: SERVICE_SUBSCRIPTION_RECONNECT });
}
