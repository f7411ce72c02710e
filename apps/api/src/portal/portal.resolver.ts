import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { ChangeMonthlyLimitCommand } from '@helpdesk/commands/portal/change-monthly-limit.handler.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import { ResumePortalCommand, SuspendPortalCommand } from '@helpdesk/commands/portal/suspend-portal.handler.js';
import { loadPortal } from '@helpdesk/commands/portal/load-portal.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { DomainError } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import {
  ChangeMonthlyLimitInput,
  PortalModel,
  RegisterPortalInput,
  ResumePortalInput,
  SuspendPortalInput,
  portalModel,
} from './portal.model.js';

/**
 * A tenant's settings: the platform operator registers a portal, its admins change its monthly
 * limit, and everyone of the portal reads them. Read from the portal's own stream (a handful of
 * events), so an answer right after a change already shows it.
 */
@Resolver()
export class PortalResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => PortalModel, {
    nullable: true,
    description: "The caller's own portal and its settings; null while it is not registered.",
  })
  @Roles('agent', 'admin', 'auditor', 'operator')
  async portal(@CurrentUser() user: AuthenticatedUser): Promise<PortalModel | null> {
    try {
      return portalModel(await loadPortal(this.store, user.portalId), this.clock.now());
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PORTAL_NOT_FOUND') return null;
      throw error;
    }
  }

  @Mutation(() => PortalModel, {
    description:
      "Registers a new portal (tenant) with its subscription start (the quota's reset day), time zone and monthly limit. Platform operators only; a portal id already registered is refused with PORTAL_ALREADY_REGISTERED and left as it was.",
  })
  @Roles('operator')
  async registerPortal(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: RegisterPortalInput,
  ): Promise<PortalModel> {
    const { portalId, monthlyConversationLimit, ...settings } = input;
    const origin = { ...originOf(user), portalId };
    const data = { ...settings, ...(typeof monthlyConversationLimit === 'number' && { monthlyConversationLimit }) };
    const portal = await this.commands.execute(new RegisterPortalCommand(origin, data));
    return portalModel(portal, this.clock.now());
  }

  @Mutation(() => PortalModel, {
    description:
      "Changes the caller's portal's monthly conversation limit from `effectiveFrom` on (the same limit from the same instant again changes nothing). Admins only; recorded with who decided it.",
  })
  @Roles('admin')
  async changeMonthlyLimit(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ChangeMonthlyLimitInput,
  ): Promise<PortalModel> {
    const portal = await this.commands.execute(
      new ChangeMonthlyLimitCommand(originOf(user), { limit: input.limit, effectiveFrom: input.effectiveFrom }),
    );
    return portalModel(portal, this.clock.now());
  }

  @Mutation(() => PortalModel, {
    description:
      'Suspends a portal: nothing is sent for it (PORTAL_SUSPENDED) until it is resumed; its inbound messages are still received and its people still read. Platform operators only; suspending a suspended portal changes nothing.',
  })
  @Roles('operator')
  async suspendPortal(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: SuspendPortalInput,
  ): Promise<PortalModel> {
    const origin = { ...originOf(user), portalId: input.portalId };
    return portalModel(await this.commands.execute(new SuspendPortalCommand(origin, input.reason)), this.clock.now());
  }

  @Mutation(() => PortalModel, {
    description:
      'Lets a suspended portal send again. Platform operators only; resuming an active portal changes nothing.',
  })
  @Roles('operator')
  async resumePortal(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ResumePortalInput,
  ): Promise<PortalModel> {
    const origin = { ...originOf(user), portalId: input.portalId };
    return portalModel(await this.commands.execute(new ResumePortalCommand(origin)), this.clock.now());
  }
}
