import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import {
  RARE_HITS,
  SearchBusyError,
  SearchTermError,
  SearchTooBroadError,
  ticketSearchCondition,
} from '@helpdesk/projections/search/index.js';
import type { TicketCondition } from '@helpdesk/projections/ticket-list/index.js';
import { type Viewer, viewTicketConditions } from '@helpdesk/projections/views/index.js';
import { ApiError, badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { SearchLimits } from './search-limits.js';
import { visibleView } from './visible-views.reader.js';

export interface TicketNarrowing {
  /** A default view's id or a custom view the caller may see. */
  readonly viewId?: string | null;
  /** Contact name, contact phone or message text containing it, whatever the case. */
  readonly search?: string | null;
}

/**
 * What `tickets(viewId:, search:)` adds to the ticket list's filter: the view's filters and the
 * search term, as conditions on the caller's portal. A view the caller cannot see is NOT_FOUND,
 * whether it is another portal's, private to someone else, or was never there.
 */
export class NarrowTicketsQuery extends Query<TicketCondition[]> {
  constructor(
    readonly viewer: Viewer,
    readonly narrowing: TicketNarrowing,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(NarrowTicketsQuery)
export class NarrowTicketsHandler implements IQueryHandler<NarrowTicketsQuery, TicketCondition[]> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
    private readonly searchLimits: SearchLimits,
  ) {}

  async execute({ viewer, narrowing, atLeastPosition }: NarrowTicketsQuery): Promise<TicketCondition[]> {
    const { viewId, search } = narrowing;
    if (!viewId && !search) return [];
    // The view itself must be read at the position too: it may have just been created or changed.
    await this.readYourWrites.atLeast(atLeastPosition);
    const conditions: TicketCondition[] = [];
    if (viewId) {
      const view = await visibleView(this.readStore.db, viewer, viewId);
      if (!view) throw new ApiError('NOT_FOUND', `There is no view ${viewId} that you can see`, { viewId });
      conditions.push(...viewTicketConditions(view.filters, viewer));
    }
    if (search) {
      try {
        const { db } = this.readStore;
        conditions.push(await ticketSearchCondition(db, viewer.portalId, search, RARE_HITS, this.searchLimits.bounds));
      } catch (error) {
        if (error instanceof SearchTermError) throw badUserInput([{ field: 'search', messages: [error.message] }]);
        // Shaped as BAD_USER_INPUT is, naming the field: the client may show the message next to it.
        if (error instanceof SearchBusyError || error instanceof SearchTooBroadError) {
          const code = error instanceof SearchBusyError ? 'SEARCH_BUSY' : 'SEARCH_TOO_BROAD';
          throw new ApiError(code, error.message, { fields: [{ field: 'search', messages: [error.message] }] });
        }
        throw error;
      }
    }
    return conditions;
  }
}
