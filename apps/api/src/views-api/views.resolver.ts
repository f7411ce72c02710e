import { QueryBus } from '@nestjs/cqrs';
import { Args, ArgsType, Field, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AuthenticatedUser } from '../auth/access-token.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ViewModel, viewModel } from './view.model.js';
import { CountViewTicketsQuery, GetViewQuery, ListViewsQuery } from './view-queries.js';

const AT_LEAST_POSITION = "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the views include it.";

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
type ViewParent = Pick<ViewModel, 'definition'>;

/** The views an agent picks from: the portal's default views and the custom views shared with the caller. */
@Resolver(() => ViewModel)
@Roles('agent', 'admin', 'auditor')
export class ViewsResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [ViewModel], {
    description: 'The default views (all open, all closed, unassigned, assigned to me, sent), then the custom views you can see, by name.',
  })
  async views(@CurrentUser() user: AuthenticatedUser, @Args() { atLeastPosition }: ViewsArgs): Promise<ViewModel[]> {
    const views = await this.queries.execute(new ListViewsQuery(user, atLeastPosition ?? undefined));
    return views.map(viewModel);
  }

  @Query(() => ViewModel, { nullable: true, description: 'One view; null if there is no such view you can see.' })
  async view(@CurrentUser() user: AuthenticatedUser, @Args() { id, atLeastPosition }: ViewArgs): Promise<ViewModel | null> {
    const view = await this.queries.execute(new GetViewQuery(user, id, atLeastPosition ?? undefined));
    return view && viewModel(view);
  }

  @ResolveField(() => Int, { description: 'How many tickets the view shows you now: `tickets(viewId:)` has this totalCount.' })
  ticketCount(@Parent() view: ViewParent, @CurrentUser() user: AuthenticatedUser): Promise<number> {
    return this.queries.execute(new CountViewTicketsQuery(user, view.definition.filters));
  }
}
