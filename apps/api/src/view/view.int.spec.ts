import { viewStream } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ChangeViewCommand, ChangeViewHandler } from './change-view.handler.js';
import { CreateViewCommand, CreateViewHandler } from './create-view.handler.js';
import { DeleteViewCommand, DeleteViewHandler } from './delete-view.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const user = (id: string, portalId = 'a'): CommandOrigin => ({ portalId, actor: { kind: 'user', id } });

describe('View handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('view-');
  const change = (origin: CommandOrigin, data: ChangeViewCommand['data']) =>
    new ChangeViewHandler(stores.current, clock).execute(new ChangeViewCommand(origin, data));

  beforeEach(async () => {
    await new CreateViewHandler(stores.current, clock).execute(
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

  it('lets only the creator or an admin change a private view', async () => {
    expect((await refusalOf(change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Mine' }))).code).toBe('NOT_ALLOWED');

    await change(user('anna'), { viewId: 'v-1', actorRole: 'agent', sharing: 'my_team', teamId: 'team-nl' });
    const changed = await change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Team WhatsApp' });

    expect(changed).toMatchObject({ status: 'Active', name: 'Team WhatsApp', sharing: 'my_team', teamId: 'team-nl', creatorId: 'anna' });
    const events = await eventsOf(stores.current, viewStream('a', 'v-1'));
    expect(events.map((event) => [event.type, event.metadata.actorId])).toEqual([
      ['ViewCreated', 'user:anna'],
      ['ViewSharingChanged', 'user:anna'],
      ['ViewRenamed', 'user:bob'],
    ]);
  });

  it('lets an admin delete a private view, after which it is gone', async () => {
    const deletion = new DeleteViewCommand(user('root'), { viewId: 'v-1', actorRole: 'admin' });
    const deleted = await new DeleteViewHandler(stores.current, clock).execute(deletion);

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
