import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ViewFilter } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import { type TicketCount, countTickets } from '@helpdesk/projections/ticket-list/index.js';
import { type Viewer, viewTicketConditions } from '@helpdesk/projections/views/index.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { type ViewDefinition, visibleView, visibleViews } from './visible-views.reader.js';

/** The views the caller may see: the portal's default views, then the custom views shared with them. */
export class ListViewsQuery extends Query<ViewDefinition[]> {
  constructor(
    readonly viewer: Viewer,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

/** One view; null when it does not exist in the caller's portal or is not shared with the caller. */
export class GetViewQuery extends Query<ViewDefinition | null> {
  constructor(
    readonly viewer: Viewer,
    readonly viewId: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

/** How many tickets a view's filters show the caller now ("assigned to me" is the caller's). */
export class CountViewTicketsQuery extends Query<TicketCount> {
  constructor(
    readonly viewer: Viewer,
    readonly filters: readonly ViewFilter[],
  ) {
    super();
  }
}

@QueryHandler(ListViewsQuery)
export class ListViewsHandler implements IQueryHandler<ListViewsQuery, ViewDefinition[]> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ viewer, atLeastPosition }: ListViewsQuery): Promise<ViewDefinition[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return visibleViews(this.readStore.db, viewer);
  }
}

@QueryHandler(GetViewQuery)
export class GetViewHandler implements IQueryHandler<GetViewQuery, ViewDefinition | null> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ viewer, viewId, atLeastPosition }: GetViewQuery): Promise<ViewDefinition | null> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return visibleView(this.readStore.db, viewer, viewId);
  }
}

/** Every view filter is on maintained counts, so a count sums a few rows whatever the portal's size. */
@QueryHandler(CountViewTicketsQuery)
export class CountViewTicketsHandler implements IQueryHandler<CountViewTicketsQuery, TicketCount> {
  constructor(private readonly readStore: ReadStore) {}

  execute({ viewer, filters }: CountViewTicketsQuery): Promise<TicketCount> {
    return countTickets(this.readStore.db, {
      portalId: viewer.portalId,
      matching: viewTicketConditions(filters, viewer),
    });
  }
}
