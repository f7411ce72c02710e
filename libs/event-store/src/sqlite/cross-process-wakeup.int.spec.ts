import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from './index.js';

/** Two stores on one file stand for two processes (the API and the helpdesk CLI). */
describe('SQLite subscriptions and commits by another connection', () => {
  it.each([
    ['the directory watch or the poll', undefined],
    // Polling every hour: only the watch of the database's directory can deliver it in the test's time.
    ['the directory watch alone, without polling', 3_600_000],
  ])('deliver an event appended through another connection to a live subscription (%s)', async (_how, pollMs) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cross-process-'));
    const api = openSqliteEventStore({ dataDir, externalCommitPollMs: pollMs });
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
