import type { ViewEvent } from '@helpdesk/domain';
import type { ColumnValues, Projection, TableDocument } from '../core/projection.js';
import { VIEWS, VIEW_EVENT_TYPES, type ViewRows, projectViewEvent, viewNameKey } from './view-definitions.js';

/**
 * Agents' custom views. A view's tickets are the ticket list filtered by its filters (see
 * view-tickets.query.ts), and counted from the ticket list's counts. Version 3 dropped the ticket
 * facets (account and business number per ticket): the ticket list keeps and counts them now.
 */
export const viewsProjection: Projection<ViewEvent, ViewRows> = {
  name: 'views',
  version: 3,
  eventTypes: VIEW_EVENT_TYPES,
  tables: [
    {
      name: VIEWS,
      columns: { portal_id: 'text', creator_id: 'text', sharing: 'text', team_id: 'text', name_key: 'text' },
      indexes: [['portal_id', 'name_key']],
    },
  ],
  columnsOf({ document }: TableDocument<ViewRows>): ColumnValues {
    const { portalId, creatorId, sharing, teamId, name } = document;
    return { portal_id: portalId, creator_id: creatorId, sharing, team_id: teamId, name_key: viewNameKey(name) };
  },
  project: projectViewEvent,
};
