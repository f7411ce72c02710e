import type { DomainCommand } from '../core/index.js';
import type { ViewFilter } from './view-filters.js';
import type { ViewSharing } from './view.events.js';

/** The portal role of the acting user, as the edge authenticated it: admins may manage anyone's views. */
export type ActorRole = 'agent' | 'admin';

/** The creator is the acting user (context.actor). `teamId` only with 'my_team'. */
export type CreateView = DomainCommand<
  'CreateView',
  { viewId: string; name: string; sharing: ViewSharing; teamId?: string; filters: readonly ViewFilter[] }
>;

/** Absent fields stay as they are. */
export type ChangeView = DomainCommand<
  'ChangeView',
  {
    viewId: string;
    actorRole: ActorRole;
    name?: string;
    sharing?: ViewSharing;
    teamId?: string;
    filters?: readonly ViewFilter[];
  }
>;

export type DeleteView = DomainCommand<'DeleteView', { viewId: string; actorRole: ActorRole }>;

export type ViewCommand = CreateView | ChangeView | DeleteView;
