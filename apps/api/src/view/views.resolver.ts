import { Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, ArgsType, Field, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { COUNT_CAP } from '@helpdesk/projections/ticket-list/index.js';
import { countedField } from '../graphql/counted-field.js';
import { once } from '../graphql/once.js';
import { oneAtATime } from './one-at-a-time.js';
import { ViewModel, viewModel } from './view.model.js';
import { CountViewTicketsQuery, GetViewQuery, ListViewsQuery } from './view.queries.js';
import type { ViewDefinition } from './visible-views.reader.js';

const AT_LEAST_POSITION =
  "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the views include it.";

@ArgsType()
export class ViewsArgs {
  @Field(() => String, { nullable: true, description: AT_LEAST_POSITION })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}

@ArgsType()
export class ViewArgs extends ViewsArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  id!: string;
}

/** A type, not the class: the global ValidationPipe would otherwise validate the parent view as input. */
type ViewParent = Pick<ViewModel, 'counted'>;

/** The views an agent picks from: the portal's default views and the custom views shared with the caller. */
@Resolver(() => ViewModel)
@Roles('agent', 'admin', 'auditor')
export class ViewsResolver {
  private readonly logger = new Logger('GraphQL');

  constructor(private readonly queries: QueryBus) {}

  @Query(() => [ViewModel], {
    description:
      'The default views (all open, all closed, unassigned, assigned to me, sent), then the custom views you can see, by name.',
  })
  async views(@CurrentUser() user: AuthenticatedUser, @Args() { atLeastPosition }: ViewsArgs): Promise<ViewModel[]> {
    const views = await this.queries.execute(new ListViewsQuery(user, atLeastPosition ?? undefined));
    // Up to 505 views (VIEW_LIMITS): their counts take turns with everything else the service does.
    const inTurn = oneAtATime();
    return views.map((view) => this.withCount(view, user, inTurn));
  }

  @Query(() => ViewModel, { nullable: true, description: 'One view; null if there is no such view you can see.' })
  async view(
    @CurrentUser() user: AuthenticatedUser,
    @Args() { id, atLeastPosition }: ViewArgs,
  ): Promise<ViewModel | null> {
    const view = await this.queries.execute(new GetViewQuery(user, id, atLeastPosition ?? undefined));
    return view && this.withCount(view, user);
  }

  @ResolveField(() => Int, {
    description:
      'How many tickets the view shows you now, exactly: every view filter is on counts the service keeps, whatever the number of tickets.',
  })
  ticketCount(@Parent() view: ViewParent): Promise<number> {
    return countedField(view.counted, (count) => count.count, this.logger, 'View.ticketCount');
  }

  @ResolveField(() => Boolean, {
    description: `Whether ticketCount stopped at ${COUNT_CAP.toLocaleString('en')}: never for a view since every view filter is counted exactly; kept for clients that ask.`,
  })
  ticketCountCapped(@Parent() view: ViewParent): Promise<boolean> {
    return countedField(view.counted, (count) => count.capped, this.logger, 'View.ticketCountCapped');
  }

  /** The view's tickets are counted once, and only if `ticketCount` or `ticketCountCapped` is asked for. */
  private withCount(view: ViewDefinition, user: AuthenticatedUser, inTurn?: ReturnType<typeof oneAtATime>): ViewModel {
    const count = () => this.queries.execute(new CountViewTicketsQuery(user, view.filters));
    return { ...viewModel(view), counted: once(() => (inTurn ? inTurn(count) : count())) };
  }
}
