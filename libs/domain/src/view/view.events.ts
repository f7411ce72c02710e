import type { DomainEvent } from '../core/index.js';
import type { ViewFilter } from './view-filters.js';

export type ViewSharing = 'only_me' | 'my_team' | 'everyone';

/** `teamId` is set exactly when the view is shared with a team. */
export type ViewCreated = DomainEvent<
  'ViewCreated',
  {
    viewId: string;
    portalId: string;
    creatorId: string;
    name: string;
    sharing: ViewSharing;
    teamId: string | null;
    filters: readonly ViewFilter[];
    createdAt: string;
  }
>;

export type ViewRenamed = DomainEvent<'ViewRenamed', { viewId: string; name: string; renamedAt: string }>;

export type ViewSharingChanged = DomainEvent<
  'ViewSharingChanged',
  { viewId: string; sharing: ViewSharing; teamId: string | null; changedAt: string }
>;

export type ViewFiltersChanged = DomainEvent<
  'ViewFiltersChanged',
  { viewId: string; filters: readonly ViewFilter[]; changedAt: string }
>;

export type ViewDeleted = DomainEvent<'ViewDeleted', { viewId: string; deletedAt: string }>;

export type ViewEvent = ViewCreated | ViewRenamed | ViewSharingChanged | ViewFiltersChanged | ViewDeleted;
