import { assertNever, refuse, type CommandContext } from '../core/index.js';
import { isDefaultViewId } from './default-views.js';
import { validViewFilters } from './view-filters.js';
import type { ActorRole, ChangeView, CreateView, DeleteView, ViewCommand } from './view.commands.js';
import type { ViewEvent, ViewSharing } from './view.events.js';
import type { ActiveView, ViewState } from './view.state.js';

const SHARING: readonly ViewSharing[] = ['only_me', 'my_team', 'everyone'];
const MAX_NAME_LENGTH = 100;

export function decideView(command: ViewCommand, state: ViewState): ViewEvent[] {
  // Unreachable through the API (view streams are named by portal); kept so that no path can
  // confirm another portal's view: it is answered as one that does not exist.
  if (state.status !== 'NoView' && state.portalId !== command.context.portalId) refuseUnknownView(command.data.viewId);
  switch (command.type) {
    case 'CreateView':
      return create(command, state);
    case 'ChangeView':
      return change(command, manageable(state, command));
    case 'DeleteView':
      return state.status === 'Deleted' ? [] : remove(command, manageable(state, command));
    default:
      return assertNever(command);
  }
}

function create(command: CreateView, state: ViewState): ViewEvent[] {
  const { viewId, sharing } = command.data;
  const { actor, portalId, now } = command.context;
  if (state.status !== 'NoView' || isDefaultViewId(viewId))
    refuse('VIEW_ALREADY_EXISTS', `View ${viewId} already exists`);
  if (actor.kind !== 'user') refuse('NOT_ALLOWED', 'Views are created by users');
  const name = validName(command.data.name);
  const teamId = validTeam(sharing, command.data.teamId);
  const filters = validViewFilters(command.data.filters);
  const createdAt = now.toISOString();
  return [
    { type: 'ViewCreated', data: { viewId, portalId, creatorId: actor.id, name, sharing, teamId, filters, createdAt } },
  ];
}

function change(command: ChangeView, view: ActiveView): ViewEvent[] {
  const { viewId } = view;
  const changedAt = command.context.now.toISOString();
  const events: ViewEvent[] = [];
  const name = command.data.name === undefined ? view.name : validName(command.data.name);
  if (name !== view.name) events.push({ type: 'ViewRenamed', data: { viewId, name, renamedAt: changedAt } });
  const sharing = command.data.sharing ?? view.sharing;
  const teamId = validTeam(sharing, teamAfter(command, view, sharing));
  if (sharing !== view.sharing || teamId !== view.teamId) {
    events.push({ type: 'ViewSharingChanged', data: { viewId, sharing, teamId, changedAt } });
  }
  if (command.data.filters !== undefined) {
    const filters = validViewFilters(command.data.filters);
    if (JSON.stringify(filters) !== JSON.stringify(view.filters)) {
      events.push({ type: 'ViewFiltersChanged', data: { viewId, filters, changedAt } });
    }
  }
  return events;
}

function remove(command: DeleteView, view: ActiveView): ViewEvent[] {
  return [{ type: 'ViewDeleted', data: { viewId: view.viewId, deletedAt: command.context.now.toISOString() } }];
}

/**
 * A private view is its creator's; shared views are anyone's to manage. Admins manage them all.
 * Someone else's private view is answered as one that does not exist: they cannot see it either.
 */
function manageable(state: ViewState, command: ChangeView | DeleteView): ActiveView {
  if (state.status !== 'Active') refuseUnknownView(command.data.viewId);
  if (state.sharing === 'only_me' && !isCreatorOrAdmin(state, command.context, command.data.actorRole)) {
    refuseUnknownView(command.data.viewId);
  }
  return state;
}

function refuseUnknownView(viewId: string): never {
  return refuse('VIEW_NOT_FOUND', `View ${viewId} does not exist`);
}

function isCreatorOrAdmin(view: ActiveView, context: CommandContext, role: ActorRole): boolean {
  return role === 'admin' || (context.actor.kind === 'user' && context.actor.id === view.creatorId);
}

/** The team stays while the view stays shared with a team, unless the command names another one. */
function teamAfter(command: ChangeView, view: ActiveView, sharing: ViewSharing): string | undefined {
  if (command.data.teamId !== undefined || sharing !== 'my_team') return command.data.teamId;
  return view.teamId ?? undefined;
}

function validName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH) {
    refuse('INVALID_VIEW', `A view's name has 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

function validTeam(sharing: ViewSharing, teamId: string | undefined): string | null {
  if (!SHARING.includes(sharing)) refuse('INVALID_VIEW', `Sharing is one of ${SHARING.join(', ')}`);
  if (sharing === 'my_team' && !teamId?.trim()) refuse('INVALID_VIEW', 'A view shared with a team needs the team');
  if (sharing !== 'my_team' && teamId !== undefined)
    refuse('INVALID_VIEW', 'Only a view shared with a team names a team');
  return teamId ?? null;
}
