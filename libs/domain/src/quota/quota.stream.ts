/** A portal's conversations of one monthly period: the period key is its local start date. */
export const MONTHLY_QUOTA_STREAM_CATEGORY = 'quota-month';

/** A WABA's business-initiated conversations of one local day (unverified businesses only). */
export const DAILY_QUOTA_STREAM_CATEGORY = 'quota-day';

export function monthlyQuotaStreamName(portalId: string, periodKey: string): string {
  return `${MONTHLY_QUOTA_STREAM_CATEGORY}-${portalId}-${periodKey}`;
}

export function dailyQuotaStreamName(accountId: string, day: string): string {
  return `${DAILY_QUOTA_STREAM_CATEGORY}-${accountId}-${day}`;
}
