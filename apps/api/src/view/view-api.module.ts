import { Module } from '@nestjs/common';
import { NarrowTicketsHandler } from './narrow-tickets.query.js';
import { SearchLimits } from './search-limits.js';
import { CountViewTicketsHandler, GetViewHandler, ListViewsHandler } from './view.queries.js';
import { ViewMutationsResolver } from './view-mutations.resolver.js';
import { ViewsResolver } from './views.resolver.js';

/**
 * Views in GraphQL: the default and custom views with their live counts, their mutations, and
 * what `tickets(viewId:, search:)` adds to the ticket list (NarrowTicketsQuery, on the query bus).
 */
@Module({
  providers: [
    ListViewsHandler,
    GetViewHandler,
    CountViewTicketsHandler,
    NarrowTicketsHandler,
    SearchLimits,
    ViewsResolver,
    ViewMutationsResolver,
  ],
})
export class ViewApiModule {}
