import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { calendarDayIn } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import {
  type DailyUsage,
  type QuotaAccountRow,
  type QuotaUsage,
  dailyUsage,
  documentOf,
  quotaUsage,
} from '@helpdesk/projections/quota/index.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';

/** The portal's monthly usage: the current period, or the one starting on `periodKey`. */
export class GetQuotaUsageQuery extends Query<QuotaUsage | null> {
  constructor(
    readonly portalId: string,
    readonly periodKey?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

/** An account's daily usage; null for an account the portal does not have. */
export class GetDailyUsageQuery extends Query<DailyUsage | null> {
  constructor(
    readonly portalId: string,
    readonly accountId: string,
    readonly day?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(GetQuotaUsageQuery)
export class GetQuotaUsageHandler implements IQueryHandler<GetQuotaUsageQuery, QuotaUsage | null> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ portalId, periodKey, atLeastPosition }: GetQuotaUsageQuery): Promise<QuotaUsage | null> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return quotaUsage(this.readStore.db, portalId, periodKey, this.clock.now());
  }
}

@QueryHandler(GetDailyUsageQuery)
export class GetDailyUsageHandler implements IQueryHandler<GetDailyUsageQuery, DailyUsage | null> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ portalId, accountId, day, atLeastPosition }: GetDailyUsageQuery): Promise<DailyUsage | null> {
    await this.readYourWrites.atLeast(atLeastPosition);
    if (day !== undefined) return dailyUsage(this.readStore.db, portalId, accountId, day);
    // "Today" is the account's local day, as the daily cap counts it; checked against the portal first.
    const account = await documentOf<QuotaAccountRow>(this.readStore.db, 'accounts', accountId);
    if (!account || account.portalId !== portalId) return null;
    return dailyUsage(this.readStore.db, portalId, accountId, calendarDayIn(this.clock.now(), account.timeZone));
  }
}
