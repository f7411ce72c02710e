import { EventStoreDBClient } from '@eventstore/db-client';
import { startInProcessEventStoreDB } from '../../../../test/esdb-server/index.js';
import type { SubscriptionBehaviour } from '../../../../test/esdb-server/subscriptions.js';
import { connectEventStoreDB } from './index.js';
import { readServerVersion, unsupportedServerVersion } from './server-version.js';

/*
 * Servers before 23.10 never say a subscription caught up: the adapter reports them unhealthy with
 * the reason, so readiness fails (and start-up says why) instead of projections waiting forever.
 */

async function withServer<T>(
  version: SubscriptionBehaviour['version'],
  body: (connectionString: string) => Promise<T>,
): Promise<T> {
  const server = await startInProcessEventStoreDB({ subscriptions: { version } });
  try {
    return await body(server.connectionString);
  } finally {
    await server.shutdown();
  }
}

describe('EventStoreDB server version', () => {
  it.each(['22.10', '23.10', '24.10'] as const)('reads the version a %s server reports', async (version) => {
    await withServer(version, async (connectionString) => {
      const client = EventStoreDBClient.connectionString(connectionString);
      try {
        expect(await readServerVersion(client)).toBe(`${version}.0`);
      } finally {
        await client.dispose();
      }
    });
  });

  it('is unhealthy on a server older than 23.10, naming the version and why', async () => {
    await withServer('22.10', async (connectionString) => {
      const store = connectEventStoreDB(connectionString);
      try {
        const health = await store.health();
        expect(health.healthy).toBe(false);
        expect(health.detail).toMatch(/22\.10\.0 is older than 23\.10.*caught up/);
      } finally {
        await store.close();
      }
    });
  });

  it('is healthy on 23.10 and later', async () => {
    for (const version of ['23.10', '24.10'] as const) {
      await withServer(version, async (connectionString) => {
        const store = connectEventStoreDB(connectionString);
        try {
          expect(await store.health()).toMatchObject({ healthy: true });
        } finally {
          await store.close();
        }
      });
    }
  });

  it('compares major and minor numerically and refuses what it cannot read', () => {
    expect(unsupportedServerVersion('23.10.0')).toBeUndefined();
    expect(unsupportedServerVersion('24.2.0')).toBeUndefined();
    expect(unsupportedServerVersion('25.1.0-rc.1')).toBeUndefined();
    expect(unsupportedServerVersion('100.0.0')).toBeUndefined();
    expect(unsupportedServerVersion('23.6.0')).toMatch(/older than 23\.10/);
    expect(unsupportedServerVersion('22.10.3')).toMatch(/older than 23\.10/);
    expect(unsupportedServerVersion('')).toMatch(/no version reported/);
    expect(unsupportedServerVersion('garbage')).toMatch(/older than/);
  });
});
