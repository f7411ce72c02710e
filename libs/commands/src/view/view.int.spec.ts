import { VIEW_LIMITS, type DomainError, viewSlotsStreamName, viewStreamName } from '@helpdesk/domain';
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
    expect((await refusalOf(change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Mine' }))).code).toBe(
      'VIEW_NOT_FOUND',
    );

    await change(user('anna'), { viewId: 'v-1', actorRole: 'agent', sharing: 'my_team', teamId: 'team-nl' });
    const changed = await change(user('bob'), { viewId: 'v-1', actorRole: 'agent', name: 'Team WhatsApp' });

    expect(changed).toMatchObject({
      status: 'Active',
      name: 'Team WhatsApp',
      sharing: 'my_team',
      teamId: 'team-nl',
      creatorId: 'anna',
    });
    const events = await eventsOf(stores.current, viewStreamName('a', 'v-1'));
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
    expect((await refusalOf(change(user('anna'), { viewId: 'v-1', actorRole: 'agent', name: 'Back' }))).code).toBe(
      'VIEW_NOT_FOUND',
    );
  });

  it("does not reach another portal's view", async () => {
    expect(
      (await refusalOf(change(user('anna', 'b'), { viewId: 'v-1', actorRole: 'admin', name: 'Hijack' }))).code,
    ).toBe('VIEW_NOT_FOUND');
  });

  it('refuses an invalid filter', async () => {
    const refusal = await refusalOf(
      change(user('anna'), { viewId: 'v-1', actorRole: 'agent', filters: [{ field: 'status', anyOf: [] }] }),
    );
    expect(refusal.code).toBe('INVALID_VIEW');
  });

  describe('at the limits on custom views', () => {
    const create = (creator: string, viewId: string, portalId = 'a') =>
      new CreateViewHandler(stores.current, clock).execute(
        new CreateViewCommand(user(creator, portalId), {
          viewId,
          name: viewId,
          sharing: 'everyone',
          filters: [{ field: 'accountId', anyOf: ['acc-1'] }],
        }),
      );
    const settled = (results: PromiseSettledResult<unknown>[]) =>
      results.map((result) => (result.status === 'fulfilled' ? 'created' : (result.reason as DomainError).code)).sort();

    /** v-1 (anna's, from beforeEach) and then `count` more, VIEW_LIMITS.perCreator per user. */
    async function fill(count: number): Promise<void> {
      for (let i = 0; i < count; i++) await create(`filler-${Math.floor(i / VIEW_LIMITS.perCreator)}`, `fill-${i}`);
    }

    it("lets one of two creations racing for a user's last slot win, and appends nothing for the other", async () => {
      for (let i = 1; i < VIEW_LIMITS.perCreator - 1; i++) await create('anna', `mine-${i}`);
      const outcome = settled(await Promise.allSettled([create('anna', 'race-1'), create('anna', 'race-2')]));

      expect(outcome).toEqual(['VIEW_LIMIT_REACHED', 'created']);
      const raced = [
        await eventsOf(stores.current, viewStreamName('a', 'race-1')),
        await eventsOf(stores.current, viewStreamName('a', 'race-2')),
      ];
      expect(raced.map((events) => events.length).sort()).toEqual([0, 1]);
      // Another user still has slots of their own.
      expect(await create('bob', 'bobs')).toMatchObject({ status: 'Active' });
    });

    it("lets one of two creations racing for the portal's last slot win, whoever creates them", async () => {
      await fill(VIEW_LIMITS.perPortal - 2);
      const outcome = settled(await Promise.allSettled([create('zoe', 'race-1'), create('yann', 'race-2')]));

      expect(outcome).toEqual(['VIEW_LIMIT_REACHED', 'created']);
      const refusal = await refusalOf(create('xavi', 'late'));
      expect([refusal.code, refusal.details]).toEqual([
        'VIEW_LIMIT_REACHED',
        { limit: VIEW_LIMITS.perPortal, scope: 'portal' },
      ]);
      expect(await eventsOf(stores.current, viewStreamName('a', 'late'))).toEqual([]);
      // Another portal has slots of its own.
      expect(await create('anna', 'elsewhere', 'b')).toMatchObject({ status: 'Active' });
    });

    it('frees a slot when a view is deleted, once, and takes none for a view the domain refuses', async () => {
      await fill(VIEW_LIMITS.perPortal - 1);
      expect((await refusalOf(create('zoe', 'one-too-many'))).code).toBe('VIEW_LIMIT_REACHED');
      const slotEvents = (await eventsOf(stores.current, viewSlotsStreamName('a'))).length;
      expect((await refusalOf(create('zoe', 'v-1'))).code).toBe('VIEW_ALREADY_EXISTS');
      expect(await eventsOf(stores.current, viewSlotsStreamName('a'))).toHaveLength(slotEvents);

      const remove = () =>
        new DeleteViewHandler(stores.current, clock).execute(
          new DeleteViewCommand(user('anna'), { viewId: 'v-1', actorRole: 'agent' }),
        );
      await remove();
      await remove();
      expect(await create('zoe', 'in-its-place')).toMatchObject({ status: 'Active' });
      expect((await refusalOf(create('zoe', 'and-another'))).code).toBe('VIEW_LIMIT_REACHED');
    });
  });
});
