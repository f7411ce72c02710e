import type { Document, Projection } from '../core/projection.js';
import { FACETS_CONVERSATIONS, FACET_EVENT_TYPES, NUMBER_ACCOUNTS, TICKET_FACETS, projectFacetEvent } from './ticket-facets.js';
import { VIEWS, VIEW_EVENT_TYPES, projectViewEvent, viewNameKey } from './view-definitions.js';
import type { TicketFacets, ViewRow } from './views.documents.js';

/**
 * Agents' custom views, and the ticket facets their filters need beyond the ticket list's columns
 * (the latest message's direction is the ticket list's, so its counts cover the "sent" view).
 * A view's tickets are the ticket list filtered by its filters (see view-tickets.query.ts).
 */
export const viewsProjection: Projection = {
  name: 'views',
  version: 2,
  eventTypes: [...VIEW_EVENT_TYPES, ...FACET_EVENT_TYPES],
  tables: [
    {
      name: VIEWS,
      columns: { portal_id: 'text', creator_id: 'text', sharing: 'text', team_id: 'text', name_key: 'text' },
      indexes: [['portal_id', 'name_key']],
    },
    {
      name: TICKET_FACETS,
      columns: { portal_id: 'text', account_id: 'text', business_phone: 'text' },
      indexes: [['portal_id', 'account_id'], ['portal_id', 'business_phone']],
    },
    { name: FACETS_CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
    { name: NUMBER_ACCOUNTS, columns: { account_id: 'text' }, indexes: [] },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === VIEWS) {
      const view = document as unknown as ViewRow;
      const { portalId, creatorId, sharing, teamId, name } = view;
      return { portal_id: portalId, creator_id: creatorId, sharing, team_id: teamId, name_key: viewNameKey(name) };
    }
    if (table === TICKET_FACETS) {
      const facets = document as unknown as TicketFacets;
      const { portalId, accountId, businessPhone } = facets;
      return { portal_id: portalId, account_id: accountId, business_phone: businessPhone };
    }
    if (table === NUMBER_ACCOUNTS) return { account_id: (document as { accountId: string }).accountId };
    return { portal_id: (document as { portalId: string }).portalId };
  },
  async project(event, access) {
    if (VIEW_EVENT_TYPES.includes(event.type)) return projectViewEvent(event, access);
    return projectFacetEvent(event, access);
  },
};
