import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { Actor, CommandContext } from '../core/index.js';
import type { ActorRole, ChangeView, CreateView, ViewCommand } from './view.commands.js';
import type { ViewCreated } from './view.events.js';
import { viewDecider } from './index.js';

const spec = specificationFor(viewDecider);
const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const anna: Actor = { kind: 'user', id: 'anna' };
const bob: Actor = { kind: 'user', id: 'bob' };
const context = (actor: Actor = anna, portalId = 'portal-a'): CommandContext => ({ portalId, actor, now });
const whatsappOpen = [
  { field: 'sourceChannelType', anyOf: ['whatsapp'] },
  { field: 'status', anyOf: ['open'] },
] as const;

const create = (data: Partial<CreateView['data']> = {}, actor: Actor = anna): ViewCommand => ({
  type: 'CreateView',
  data: { viewId: 'v-1', name: 'My WhatsApp', sharing: 'only_me', filters: whatsappOpen, ...data },
  context: context(actor),
});
type Changes = Omit<ChangeView['data'], 'viewId' | 'actorRole'>;
const change = (data: Changes, actor: Actor = anna, actorRole: ActorRole = 'agent'): ViewCommand => ({
  type: 'ChangeView',
  data: { viewId: 'v-1', actorRole, ...data },
  context: context(actor),
});
const remove = (actor: Actor = anna, actorRole: ActorRole = 'agent', portalId = 'portal-a'): ViewCommand => ({
  type: 'DeleteView',
  data: { viewId: 'v-1', actorRole },
  context: context(actor, portalId),
});

const created = (data: Partial<ViewCreated['data']> = {}): ViewCreated => ({
  type: 'ViewCreated',
  data: {
    viewId: 'v-1',
    portalId: 'portal-a',
    creatorId: 'anna',
    name: 'My WhatsApp',
    sharing: 'only_me',
    teamId: null,
    filters: whatsappOpen,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...data,
  },
});
const deleted = { type: 'ViewDeleted', data: { viewId: 'v-1', deletedAt: '2025-02-01T00:00:00.000Z' } } as const;

describe('View', () => {
  describe('When there is no view', () => {
    it('creates a private view for the acting user', () => {
      spec
        .given([])
        .when(create({ name: '  My WhatsApp ' }))
        .then([created({ createdAt: at })]);
    });

    it('creates a view shared with a team', () => {
      const [event] = spec
        .given([])
        .when(create({ sharing: 'my_team', teamId: 't-1' }))
        .events();
      expect(event.data).toMatchObject({ sharing: 'my_team', teamId: 't-1' });
    });

    it('accepts a name of 1 and of 100 characters', () => {
      expect(
        spec
          .given([])
          .when(create({ name: 'x' }))
          .events(),
      ).toHaveLength(1);
      expect(
        spec
          .given([])
          .when(create({ name: 'x'.repeat(100) }))
          .events(),
      ).toHaveLength(1);
    });

    it.each([
      ['an empty name', { name: '   ' }],
      ['a name of 101 characters', { name: 'x'.repeat(101) }],
      ['team sharing without a team', { sharing: 'my_team' as const }],
      ['a team without team sharing', { sharing: 'everyone' as const, teamId: 't-1' }],
      ['an unknown sharing', { sharing: 'public' as never }],
      ['an invalid filter', { filters: [{ field: 'status', anyOf: ['pending'] }] as never }],
    ])('refuses %s', (_case, data) => {
      spec.given([]).when(create(data)).thenRefuses('INVALID_VIEW');
    });

    it("refuses a default view's id", () => {
      spec
        .given([])
        .when(create({ viewId: 'all-open' }))
        .thenRefuses('VIEW_ALREADY_EXISTS');
    });

    it('refuses a creator that is not a user', () => {
      spec
        .given([])
        .when(create({}, { kind: 'system', id: 'migration' }))
        .thenRefuses('NOT_ALLOWED');
    });

    it('refuses a change or a deletion', () => {
      spec
        .given([])
        .when(change({ name: 'x' }))
        .thenRefuses('VIEW_NOT_FOUND');
      spec.given([]).when(remove()).thenRefuses('VIEW_NOT_FOUND');
    });
  });

  describe('When private', () => {
    it('refuses creating it again', () => {
      spec.given([created()]).when(create()).thenRefuses('VIEW_ALREADY_EXISTS');
    });

    it('is changed by its creator: name, sharing and filters as separate facts', () => {
      spec
        .given([created()])
        .when(
          change({
            name: 'Team WhatsApp',
            sharing: 'my_team',
            teamId: 't-1',
            filters: [{ field: 'phoneNumber', anyOf: ['+31 6 12345678'] }],
          }),
        )
        .then([
          { type: 'ViewRenamed', data: { viewId: 'v-1', name: 'Team WhatsApp', renamedAt: at } },
          { type: 'ViewSharingChanged', data: { viewId: 'v-1', sharing: 'my_team', teamId: 't-1', changedAt: at } },
          {
            type: 'ViewFiltersChanged',
            data: { viewId: 'v-1', filters: [{ field: 'phoneNumber', anyOf: ['+31612345678'] }], changedAt: at },
          },
        ]);
    });

    it('does nothing when nothing changes', () => {
      spec
        .given([created()])
        .when(change({ name: 'My WhatsApp', sharing: 'only_me', filters: whatsappOpen }))
        .thenNothingHappens();
    });

    it('refuses another agent exactly as a view that does not exist: they cannot see it either', () => {
      const unknown = spec
        .given([])
        .when(change({ name: 'Mine now' }, bob))
        .thenRefuses('VIEW_NOT_FOUND');
      const refused = spec
        .given([created()])
        .when(change({ name: 'Mine now' }, bob))
        .thenRefuses('VIEW_NOT_FOUND');
      expect(refused.message).toBe(unknown.message);
      spec.given([created()]).when(remove(bob)).thenRefuses('VIEW_NOT_FOUND');
    });

    it('is changed or deleted by an admin', () => {
      expect(
        spec
          .given([created()])
          .when(change({ name: 'Tidied' }, bob, 'admin'))
          .events(),
      ).toHaveLength(1);
      expect(spec.given([created()]).when(remove(bob, 'admin')).events()).toEqual([
        { type: 'ViewDeleted', data: { viewId: 'v-1', deletedAt: at } },
      ]);
    });

    it('refuses anyone from another portal, admins included', () => {
      const unknown = spec
        .given([])
        .when(remove(anna, 'admin', 'portal-b'))
        .thenRefuses('VIEW_NOT_FOUND');
      const refused = spec
        .given([created()])
        .when(remove(anna, 'admin', 'portal-b'))
        .thenRefuses('VIEW_NOT_FOUND');
      expect(refused.message).toBe(unknown.message);
    });
  });

  describe('When shared with a team', () => {
    const shared = created({ sharing: 'my_team', teamId: 't-1' });

    it('is changed by another agent', () => {
      expect(
        spec
          .given([shared])
          .when(change({ name: 'Renamed' }, bob))
          .events(),
      ).toHaveLength(1);
    });

    it('keeps its team unless another is named, and drops it when shared with everyone', () => {
      spec
        .given([shared])
        .when(change({ sharing: 'my_team' }))
        .thenNothingHappens();
      expect(
        spec
          .given([shared])
          .when(change({ teamId: 't-2' }))
          .events()[0].data,
      ).toMatchObject({ sharing: 'my_team', teamId: 't-2' });
      expect(
        spec
          .given([shared])
          .when(change({ sharing: 'everyone' }))
          .events()[0].data,
      ).toMatchObject({ sharing: 'everyone', teamId: null });
    });

    it('refuses a team for a view no longer shared with a team', () => {
      spec
        .given([shared])
        .when(change({ sharing: 'only_me', teamId: 't-2' }))
        .thenRefuses('INVALID_VIEW');
    });
  });

  describe('When deleted', () => {
    it('deleting again is a no-op', () => {
      spec.given([created(), deleted]).when(remove()).thenNothingHappens();
    });

    it('refuses a change and keeps its id taken', () => {
      spec
        .given([created(), deleted])
        .when(change({ name: 'Back' }))
        .thenRefuses('VIEW_NOT_FOUND');
      spec.given([created(), deleted]).when(create()).thenRefuses('VIEW_ALREADY_EXISTS');
    });
  });
});
