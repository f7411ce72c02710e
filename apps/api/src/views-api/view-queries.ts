import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DEFAULT_VIEWS, type ViewFilter, type ViewSharing } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type TicketCount, countTickets } from '@helpdesk/projections/ticket-list/index.js';
import { type ViewRow, type Viewer, getVisibleView, listVisibleViews, viewTicketConditions } from '@helpdesk/projections/views/index.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

/** A view as the API shows it: one of the portal's default views, or a custom view. */
export interface ViewDefinition {
  readonly viewId: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly sharing: ViewSharing;
  readonly teamId: string | null;
  readonly creatorId: string | null;
  readonly filters: readonly ViewFilter[];
  readonly updatedAt: string | null;
}

const DEFAULTS: readonly ViewDefinition[] = DEFAULT_VIEWS.map(({ viewId, name, sharing, filters }) => ({
  ...{ viewId, name, sharing, filters },
  ...{ isDefault: true, teamId: null, creatorId: null, updatedAt: null },
}));

function custom({ viewId, name, sharing, teamId, creatorId, filters, updatedAt }: ViewRow): ViewDefinition {
  return { viewId, name, isDefault: false, sharing, teamId, creatorId, filters, updatedAt };
}

/** The default views first, in their fixed order, then the custom views the viewer may see, by name. */
export async function visibleViews(db: ReadDatabase, viewer: Viewer): Promise<ViewDefinition[]> {
  return [...DEFAULTS, ...(await listVisibleViews(db, viewer)).map(custom)];
}

/** Null when there is no such view in the viewer's portal, or the viewer may not see it. */
export async function visibleView(db: ReadDatabase, viewer: Viewer, viewId: string): Promise<ViewDefinition | null> {
  const fixed = DEFAULTS.find((view) => view.viewId === viewId);
  if (fixed) return fixed;
  const row = await getVisibleView(db, viewer, viewId);
  return row && custom(row);
}

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
    return countTickets(this.readStore.db, { portalId: viewer.portalId, matching: viewTicketConditions(filters, viewer) });
  }
}
