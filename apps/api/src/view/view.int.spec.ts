import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, viewStream } from '@helpdesk/domain';
import { openSqliteEventStore, type RecordedEvent, type SqliteEventStore } from '@helpdesk/event-store';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ChangeViewCommand, ChangeViewHandler } from './change-view.handler.js';
import { CreateViewCommand, CreateViewHandler } from './create-view.handler.js';
import { DeleteViewCommand, DeleteViewHandler } from './delete-view.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const user = (id: string, portalId = 'a'): CommandOrigin => ({ portalId, actor: { kind: 'user', id } });

describe('View handlers against the embedded store', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  const change = (origin: CommandOrigin, data: ChangeViewCommand['data']) =>
    new ChangeViewHandler(store, clock).execute(new ChangeViewCommand(origin, data));

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'view-'));
    store = openSqliteEventStore({ dataDir });
    await new CreateViewHandler(store, clock).execute(
      new CreateViewCommand(user('anna'), {
        viewId: 'v-1',
        name: 'My WhatsApp',
        sharing: 'only_me',
        filters: [
          { field: 'sourceChannelType', anyOf: ['whatsapp'] },
          { field: 'owner', anyOf: [{ kind: 'current_user' }, { kind: 'unassigned' }] },
        ],
      }),
    );
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it('lets only the creator or an admin change a private view', async () => {
    expect((await refusalOf(change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Mine' }))).code).toBe('NOT_ALLOWED');

    await change(user('anna'), { viewId: 'v-1', actorRole: 'agent', sharing: 'my_team', teamId: 'team-nl' });
    const changed = await change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Team WhatsApp' });

    expect(changed).toMatchObject({ status: 'Active', name: 'Team WhatsApp', sharing: 'my_team', teamId: 'team-nl', creatorId: 'anna' });
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(viewStream('a', 'v-1'))) events.push(event);
    expect(events.map((event) => [event.type, event.metadata.actorId])).toEqual([
      ['ViewCreated', 'user:anna'],
      ['ViewSharingChanged', 'user:anna'],
      ['ViewRenamed', 'user:bob'],
    ]);
  });

  it('lets an admin delete a private view, after which it is gone', async () => {
    const deleted = await new DeleteViewHandler(store, clock).execute(new DeleteViewCommand(user('root'), { viewId: 'v-1', actorRole: 'admin' }));

    expect(deleted).toMatchObject({ status: 'Deleted' });
    expect((await refusalOf(change(user('anna'), { viewId: 'v-1', actorRole: 'agent', name: 'Back' }))).code).toBe('VIEW_NOT_FOUND');
  });

  it("does not reach another portal's view", async () => {
    expect((await refusalOf(change(user('anna', 'b'), { viewId: 'v-1', actorRole: 'admin', name: 'Hijack' }))).code).toBe('VIEW_NOT_FOUND');
  });

  it('refuses an invalid filter', async () => {
    const refusal = await refusalOf(change(user('anna'), { viewId: 'v-1', actorRole: 'agent', filters: [{ field: 'status', anyOf: [] }] }));
    expect(refusal.code).toBe('INVALID_VIEW');
  });
});
