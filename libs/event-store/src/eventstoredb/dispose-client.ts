import type { EventStoreDBClient } from '@eventstore/db-client';

/**
 * Cancels the client's calls, then closes its gRPC channel: dispose() alone leaves the channel (and
 * its TCP connection) open, and client 6.2.1 has no public way to close it, so we reach for its
 * protected accessor, tolerating its absence. The channel is closed without waiting: with no channel
 * yet, the accessor may first run cluster discovery, which must not hold up a shutdown.
 */
export async function disposeClient(client: EventStoreDBClient): Promise<void> {
  await client.dispose();
  const channelOwner = client as unknown as { getChannel?: () => Promise<{ close(): void }> };
  if (typeof channelOwner.getChannel !== 'function') return;
  channelOwner.getChannel().then(
    (channel) => channel.close(),
    () => undefined, // no channel could be made: nothing is open
  );
}
