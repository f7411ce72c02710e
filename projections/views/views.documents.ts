import type { ViewFilter, ViewSharing } from '@helpdesk/domain';

/** A custom view as agents see it; deleted views are gone. Default views are constants, never stored. */
export interface ViewRow {
  readonly viewId: string;
  readonly portalId: string;
  readonly creatorId: string;
  readonly name: string;
  readonly sharing: ViewSharing;
  /** The team a `my_team` view is shared with; null otherwise. */
  readonly teamId: string | null;
  readonly filters: readonly ViewFilter[];
  readonly createdAt: string;
  readonly updatedAt: string;
}
