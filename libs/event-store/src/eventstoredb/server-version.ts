import type { EventStoreDBClient } from '@eventstore/db-client';

/**
 * The oldest server this adapter supports. Before 23.10 a subscription never reports `caught_up`
 * (KurrentDB's Enumerator.AllSubscription gained it in 23.10), and every follower that waits for
 * it to declare itself live (projections' status, rebuild switch-over) would wait forever.
 */
export const OLDEST_SUPPORTED_SERVER = { major: 23, minor: 10 } as const;

/** The version the server reports in ServerFeatures, the client's first call on each connection. */
export async function readServerVersion(client: EventStoreDBClient): Promise<string> {
  // The client fetches and caches it itself but keeps the getter protected; reading it here
  // costs no extra call once the client is connected.
  const { capabilities } = client as unknown as { capabilities: Promise<{ serverVersion: string }> };
  return (await capabilities).serverVersion;
}

/** Why this server version is unsupported, or undefined when it is supported (unparsable versions are refused). */
export function unsupportedServerVersion(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  const { major, minor } = OLDEST_SUPPORTED_SERVER;
  const supported =
    match !== null && (Number(match[1]) > major || (Number(match[1]) === major && Number(match[2]) >= minor));
  return supported
    ? undefined
    : `EventStoreDB ${version || '(no version reported)'} is older than ${major}.${minor}, the oldest supported: ` +
        'its subscriptions never report that they caught up';
}
