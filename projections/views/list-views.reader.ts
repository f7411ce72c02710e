import { VIEW_LIMITS, viewStreamName } from '@helpdesk/domain';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { VIEWS } from './view-definitions.js';
import type { ViewRow } from './views.documents.js';
import { viewsProjection } from './views.projection.js';

/** Who is looking: the portal, user and team of their token. */
export interface Viewer {
  readonly portalId: string;
  readonly userId: string;
  readonly teamId: string | null;
}

type Sharing = Pick<ViewRow, 'portalId' | 'sharing' | 'creatorId' | 'teamId'>;

/**
 * only_me: its creator; my_team: the members of its team; everyone: the whole portal. Its creator
 * always sees it, even after leaving the team it was shared with.
 */
export function canSee(view: Sharing, viewer: Viewer): boolean {
  if (view.portalId !== viewer.portalId) return false;
  if (view.sharing === 'everyone' || view.creatorId === viewer.userId) return true;
  return view.sharing === 'my_team' && viewer.teamId !== null && view.teamId === viewer.teamId;
}

const table = () => physicalTableName(viewsProjection, VIEWS);

/** One custom view of the viewer's portal, if the viewer may see it; else null, as if there were none. */
export async function getVisibleView(db: ReadDatabase, viewer: Viewer, viewId: string): Promise<ViewRow | null> {
  const row = await db
    .selectFrom(table())
    .select('document')
    .where('id', '=', viewStreamName(viewer.portalId, viewId))
    .where('portal_id', '=', viewer.portalId)
    .executeTakeFirst();
  const view = row ? (JSON.parse(row.document as string) as ViewRow) : null;
  return view && canSee(view, viewer) ? view : null;
}

/**
 * The custom views the viewer may see, by name: at most VIEW_LIMITS.perPortal, so `views` stays
 * bounded even for a portal whose views were created before that limit (it then shows the first
 * ones by name, until enough are deleted). There is no paging.
 */
export async function listVisibleViews(db: ReadDatabase, viewer: Viewer): Promise<ViewRow[]> {
  const rows = await db
    .selectFrom(table())
    .select('document')
    .where('portal_id', '=', viewer.portalId)
    .where((eb) =>
      eb.or([
        eb('sharing', '=', 'everyone'),
        eb('creator_id', '=', viewer.userId),
        ...(viewer.teamId === null ? [] : [eb.and([eb('sharing', '=', 'my_team'), eb('team_id', '=', viewer.teamId)])]),
      ]),
    )
    .orderBy('name_key')
    .orderBy('id')
    .limit(VIEW_LIMITS.perPortal)
    .execute();
  return rows.map((row) => JSON.parse(row.document as string) as ViewRow).filter((view) => canSee(view, viewer));
}
