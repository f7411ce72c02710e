import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '@helpdesk/event-store';
import { parsePosition } from './positions.js';
import { type TracedOrigin, withRecordedPosition } from './recorded-position.js';

/** The correlation id is the client's X-Request-Id: another client may send the same one. */
describe('the position a request recorded', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  const origin: TracedOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'agent-1' }, correlationId: 'same-id' };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'recorded-position-'));
    store = openSqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const append = (stream: string, metadata: Record<string, unknown>) =>
    store.append(stream, [{ id: randomUUID(), type: 'Noted', data: {}, metadata }]);

  it("is that of the request's own event, not of another portal's or user's under the same id meanwhile", async () => {
    const { position } = await withRecordedPosition(store, origin, async () => {
      await append('mine-1', { correlationId: 'same-id', tenantId: 'acme', actorId: 'user:agent-1' });
      await append('theirs-1', { correlationId: 'same-id', tenantId: 'globex', actorId: 'user:agent-1' });
      await append('theirs-2', { correlationId: 'same-id', tenantId: 'acme', actorId: 'user:agent-2' });
    });
    const mine = [];
    for await (const event of store.readStream('mine-1')) mine.push(event);
    expect(position).not.toBeNull();
    expect(parsePosition(position as string)).toEqual(mine[0].position);
  });

  it('is null when only others recorded events under the same id', async () => {
    const { position } = await withRecordedPosition(store, origin, async () => {
      await append('theirs-1', { correlationId: 'same-id', tenantId: 'globex', actorId: 'user:agent-1' });
    });
    expect(position).toBeNull();
  });
});
