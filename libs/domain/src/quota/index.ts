import type { Decider } from '../core/index.js';
import type { DailyQuotaCommand, MonthlyQuotaCommand } from './quota.commands.js';
import { decideDailyQuota, decideMonthlyQuota } from './quota.decide.js';
import type { DailyQuotaEvent, MonthlyQuotaEvent } from './quota.events.js';
import {
  DailyQuota,
  evolveDailyQuota,
  evolveMonthlyQuota,
  initialDailyQuota,
  initialMonthlyQuota,
  MonthlyQuota,
} from './quota.state.js';

/** A portal's monthly conversation quota, shared by all its WhatsApp accounts. */
export const monthlyQuotaDecider: Decider<MonthlyQuotaCommand, MonthlyQuotaEvent, MonthlyQuota> = {
  decide: decideMonthlyQuota,
  evolve: evolveMonthlyQuota,
  initialState: initialMonthlyQuota,
};

/** An unverified WhatsApp account's daily cap on business-initiated conversations. */
export const dailyQuotaDecider: Decider<DailyQuotaCommand, DailyQuotaEvent, DailyQuota> = {
  decide: decideDailyQuota,
  evolve: evolveDailyQuota,
  initialState: initialDailyQuota,
};

export * from './counting-rules.js';
export * from './periods.js';
export * from './quota.commands.js';
export { UNVERIFIED_DAILY_BUSINESS_INITIATED_CAP } from './quota.decide.js';
export * from './quota.events.js';
export * from './quota.state.js';
export * from './quota.stream.js';
