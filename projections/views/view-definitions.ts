import type { ViewEvent } from '@helpdesk/domain';
import { type ProjectedEvent, evolveDocument } from '../core/projection.js';
import type { ViewRow } from './views.documents.js';

export const VIEWS = 'views';
export const VIEW_EVENT_TYPES = [
  'ViewCreated',
  'ViewRenamed',
  'ViewSharingChanged',
  'ViewFiltersChanged',
  'ViewDeleted',
] as const satisfies readonly ViewEvent['type'][];

export type ViewRows = { readonly views: ViewRow };

/** Lower case, so views sort by name whatever its case; the row keeps the name as written. */
export function viewNameKey(name: string): string {
  return name.toLowerCase();
}

/** A view's next row: a deleted view, or an event for a view never created, leaves none. */
export function evolveView(view: ViewRow | null, event: ProjectedEvent<ViewEvent>): ViewRow | null {
  if (event.type === 'ViewCreated') {
    const { viewId, portalId, creatorId, name, sharing, teamId, filters, createdAt } = event.data;
    return { viewId, portalId, creatorId, name, sharing, teamId, filters, createdAt, updatedAt: createdAt };
  }
  return view && viewChange(view, event);
}

/** Views are keyed by their stream name: view ids are unique per portal only. */
export const projectViewEvent = evolveDocument<ViewEvent, ViewRows, typeof VIEWS>(
  VIEWS,
  (event) => event.streamName,
  evolveView,
);

function viewChange(view: ViewRow, event: ProjectedEvent<Exclude<ViewEvent, { type: 'ViewCreated' }>>): ViewRow | null {
  switch (event.type) {
    case 'ViewRenamed':
      return { ...view, name: event.data.name, updatedAt: event.data.renamedAt };
    case 'ViewSharingChanged':
      return { ...view, sharing: event.data.sharing, teamId: event.data.teamId, updatedAt: event.data.changedAt };
    case 'ViewFiltersChanged':
      return { ...view, filters: event.data.filters, updatedAt: event.data.changedAt };
    case 'ViewDeleted':
      return null;
  }
}
