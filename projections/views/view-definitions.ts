import type { ViewEvent } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess } from '../core/projection.js';
import type { ViewRow } from './views.documents.js';

export const VIEWS = 'views';
export const VIEW_EVENT_TYPES = ['ViewCreated', 'ViewRenamed', 'ViewSharingChanged', 'ViewFiltersChanged', 'ViewDeleted'];

/** Lower case, so views sort by name whatever its case; the row keeps the name as written. */
export function viewNameKey(name: string): string {
  return name.toLowerCase();
}

/** Views are keyed by their stream name: view ids are unique per portal only. */
export async function projectViewEvent(event: RecordedEvent, access: DocumentAccess): Promise<void> {
  const typed = { type: event.type, data: event.data } as ViewEvent;
  const id = event.streamName;
  if (typed.type === 'ViewCreated') {
    const { viewId, portalId, creatorId, name, sharing, teamId, filters, createdAt } = typed.data;
    const row: ViewRow = { viewId, portalId, creatorId, name, sharing, teamId, filters, createdAt, updatedAt: createdAt };
    return access.put(VIEWS, id, row as unknown as Document);
  }
  const view = await access.get<ViewRow & Document>(VIEWS, id);
  if (!view) return;
  const changed = viewChange(view, typed);
  if (changed === null) access.delete(VIEWS, id);
  else access.put(VIEWS, id, changed as unknown as Document);
}

function viewChange(view: ViewRow, event: Exclude<ViewEvent, { type: 'ViewCreated' }>): ViewRow | null {
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
