import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { DailyUsageArgs, DailyUsageModel, QuotaUsageArgs, QuotaUsageModel } from './quota-usage.model.js';
import { GetDailyUsageQuery, GetQuotaUsageQuery } from './quota-usage.queries.js';

/** Conversation quotas from the quota read model, always the caller's portal's. */
@Resolver()
@Roles('agent', 'admin', 'auditor')
export class QuotaUsageResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => QuotaUsageModel, {
    nullable: true,
    description:
      "The portal's monthly conversations: used, limit, remaining, and when the period resets. Null when no period starts on periodKey.",
  })
  async quotaUsage(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: QuotaUsageArgs,
  ): Promise<QuotaUsageModel | null> {
    const { periodKey, atLeastPosition } = args;
    return this.queries.execute(
      new GetQuotaUsageQuery(user.portalId, periodKey ?? undefined, atLeastPosition ?? undefined),
    );
  }

  @Query(() => DailyUsageModel, {
    nullable: true,
    description:
      "A channel's business-initiated conversations on one local day (cap 50 while unverified). Null for an account not in the portal.",
  })
  async dailyUsage(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: DailyUsageArgs,
  ): Promise<DailyUsageModel | null> {
    const { accountId, day, atLeastPosition } = args;
    return this.queries.execute(
      new GetDailyUsageQuery(user.portalId, accountId, day ?? undefined, atLeastPosition ?? undefined),
    );
  }
}
