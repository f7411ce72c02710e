import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from './index.js';

/** Two stores on one file stand for two processes (the API and the helpdesk CLI). */
describe('SQLite subscriptions and commits by another connection', () => {
  it('deliver an event appended through another connection to a live subscription', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cross-process-'));
    const api = openSqliteEventStore({ dataDir });
    const cli = openSqliteEventStore({ dataDir });
    try {
      const subscription = api.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual({ kind: 'caughtUp' });
      const next = iterator.next();
      await cli.append('portal-demo', [{ id: randomUUID(), type: 'PortalRegistered', data: { name: 'Demo' } }]);
      const delivered = await next;
      expect(delivered.value).toMatchObject({
        kind: 'event',
        event: { streamName: 'portal-demo', type: 'PortalRegistered' },
      });
      await subscription.close();
    } finally {
      await Promise.all([api.close(), cli.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
