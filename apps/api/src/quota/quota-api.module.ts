import { Module } from '@nestjs/common';
import { GetDailyUsageHandler, GetQuotaUsageHandler } from './quota-usage.queries.js';
import { QuotaUsageResolver } from './quota-usage.resolver.js';

/** How much of its conversation quotas a portal has used, for agents and auditors. */
@Module({ providers: [GetQuotaUsageHandler, GetDailyUsageHandler, QuotaUsageResolver] })
export class QuotaApiModule {}
