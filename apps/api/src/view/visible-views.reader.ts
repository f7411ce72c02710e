import { DEFAULT_VIEWS, type ViewFilter, type ViewSharing } from '@helpdesk/domain';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type ViewRow, type Viewer, getVisibleView, listVisibleViews } from '@helpdesk/projections/views/index.js';

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
