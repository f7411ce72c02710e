import type { Decider } from '../core/index.js';
import { COUNTING_RULES, type CountingRule } from './counting-rules.js';
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

/** A portal's monthly conversation quota, shared by all its WhatsApp accounts, counted under `rules`. */
export function monthlyQuotaDeciderUnder(
  rules: readonly CountingRule[],
): Decider<MonthlyQuotaCommand, MonthlyQuotaEvent, MonthlyQuota> {
  return {
    decide: (command, state) => decideMonthlyQuota(command, state, rules),
    evolve: evolveMonthlyQuota,
    initialState: initialMonthlyQuota,
  };
}

/** Under the rulebook shipped with the code. */
export const monthlyQuotaDecider = monthlyQuotaDeciderUnder(COUNTING_RULES);

/** An unverified WhatsApp account's daily cap on business-initiated conversations. */
export const dailyQuotaDecider: Decider<DailyQuotaCommand, DailyQuotaEvent, DailyQuota> = {
  decide: decideDailyQuota,
  evolve: evolveDailyQuota,
  initialState: initialDailyQuota,
};

export * from './counting-rules.js';
export * from './periods.js';
export * from './quota.commands.js';
export * from './quota.events.js';
export * from './quota.state.js';
