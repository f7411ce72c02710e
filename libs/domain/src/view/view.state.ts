import { assertNever } from '../core/index.js';
import type { ViewFilter } from './view-filters.js';
import type { ViewEvent, ViewSharing } from './view.events.js';

export type ActiveView = Readonly<{
  status: 'Active';
  viewId: string;
  portalId: string;
  creatorId: string;
  name: string;
  sharing: ViewSharing;
  teamId: string | null;
  filters: readonly ViewFilter[];
}>;

export type ViewState =
  | Readonly<{ status: 'NoView' }>
  | ActiveView
  | Readonly<{ status: 'Deleted'; viewId: string; portalId: string; creatorId: string }>;

export const initialViewState: ViewState = { status: 'NoView' };

export function evolveView(state: ViewState, event: ViewEvent): ViewState {
  if (event.type === 'ViewCreated') {
    const { viewId, portalId, creatorId, name, sharing, teamId, filters } = event.data;
    return { status: 'Active', viewId, portalId, creatorId, name, sharing, teamId, filters };
  }
  if (state.status !== 'Active') return state;
  switch (event.type) {
    case 'ViewRenamed':
      return { ...state, name: event.data.name };
    case 'ViewSharingChanged':
      return { ...state, sharing: event.data.sharing, teamId: event.data.teamId };
    case 'ViewFiltersChanged':
      return { ...state, filters: event.data.filters };
    case 'ViewDeleted':
      return { status: 'Deleted', viewId: state.viewId, portalId: state.portalId, creatorId: state.creatorId };
    default:
      return assertNever(event);
  }
}
