import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Field, ID, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { loadState } from '@helpdesk/command-handling';
import { type ActorRole, DomainError, VIEW_LIMITS, viewDecider, viewStreamName } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { canSee } from '@helpdesk/projections/views/index.js';
import { tracedOriginOf, withRecordedPosition } from '../graphql/recorded-position.js';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ChangeViewCommand } from '@helpdesk/commands/view/change-view.handler.js';
import { CreateViewCommand } from '@helpdesk/commands/view/create-view.handler.js';
import { DeleteViewCommand } from '@helpdesk/commands/view/delete-view.handler.js';
import { ViewSharing } from './view.model.js';
import { ChangeViewInput, CreateViewInput, DeleteViewInput, viewFilterOf } from './view-mutation.inputs.js';

@ObjectType('ViewPayload')
export class ViewPayload {
  @Field(() => ID)
  viewId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Where this request's events stand in the log: pass it as `atLeastPosition` to `views` or `tickets`. Null when nothing changed.",
  })
  position!: string | null;
}

/** Custom views: created by any agent, managed as the domain allows, shared with "my team" = the token's team. */
@Resolver()
@Roles('agent', 'admin')
export class ViewMutationsResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Mutation(() => ViewPayload, {
    description: `A custom view of your own; its id is chosen by the service. At most ${VIEW_LIMITS.perCreator} per user and ${VIEW_LIMITS.perPortal} per portal: past either, VIEW_LIMIT_REACHED (with limit and scope); deleting a view frees its place.`,
  })
  async createView(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: CreateViewInput,
  ): Promise<ViewPayload> {
    const viewId = randomUUID();
    const { name, sharing, filters } = input;
    const data = { viewId, name, sharing, ...teamOf(user, sharing), filters: filters.map(viewFilterOf) };
    const origin = tracedOriginOf(user);
    const { position } = await withRecordedPosition(this.store, origin, () =>
      this.commands.execute(new CreateViewCommand(origin, data)),
    );
    return { viewId, position };
  }

  @Mutation(() => ViewPayload, {
    description: "Renames, reshares or refilters a view; another's private view only as an admin.",
  })
  async changeView(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ChangeViewInput,
  ): Promise<ViewPayload> {
    const { viewId, name, sharing, filters } = input;
    await ensureCanReachView(this.store, user, viewId);
    const data = {
      ...{ viewId, actorRole: actorRoleOf(user) },
      ...(name != null && { name }),
      ...(sharing != null && { sharing, ...teamOf(user, sharing) }),
      ...(filters != null && { filters: filters.map(viewFilterOf) }),
    };
    const origin = tracedOriginOf(user);
    const { position } = await withRecordedPosition(this.store, origin, () =>
      this.commands.execute(new ChangeViewCommand(origin, data)),
    );
    return { viewId, position };
  }

  @Mutation(() => ViewPayload, {
    description: "Deletes a view; another's private view only as an admin. Deleting twice changes nothing.",
  })
  async deleteView(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') { viewId }: DeleteViewInput,
  ): Promise<ViewPayload> {
    await ensureCanReachView(this.store, user, viewId);
    const origin = tracedOriginOf(user);
    const command = new DeleteViewCommand(origin, { viewId, actorRole: actorRoleOf(user) });
    const { position } = await withRecordedPosition(this.store, origin, () => this.commands.execute(command));
    return { viewId, position };
  }
}

/** "My team" is the caller's team; without one in the token the domain refuses the sharing (INVALID_VIEW). */
function teamOf(user: AuthenticatedUser, sharing: ViewSharing): { teamId?: string } {
  return sharing === ViewSharing.MY_TEAM && user.teamId ? { teamId: user.teamId } : {};
}

function actorRoleOf(user: AuthenticatedUser): ActorRole {
  return user.roles.includes('admin') ? 'admin' : 'agent';
}

/**
 * A view an agent cannot see is one they cannot change either: refused as if it did not exist
 * (VIEW_NOT_FOUND), read from the event store so a view created a moment ago is found. Admins
 * manage every view of their portal, as the domain allows; the domain decides the rest.
 */
async function ensureCanReachView(store: EventStore, user: AuthenticatedUser, viewId: string): Promise<void> {
  if (actorRoleOf(user) === 'admin') return;
  const { state } = await loadState(store, viewStreamName(user.portalId, viewId), viewDecider);
  if (state.status === 'Active' && !canSee(state, user)) {
    throw new DomainError('VIEW_NOT_FOUND', `View ${viewId} does not exist`);
  }
}
