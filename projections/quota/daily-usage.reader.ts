import { calendarDayIn, dailyCapAt, dailyQuotaStreamName } from '@helpdesk/domain';
import type { ReadDatabase } from '../core/read-model-schema.js';
import type { DailyUsage, QuotaAccountRow, QuotaDayRow } from './quota.documents.js';
import { documentOf } from './quota-usage.reader.js';

/**
 * An account's business-initiated conversations on one local day ('YYYY-MM-DD' in the account's
 * time zone) against the cap of unverified businesses. Null for an account unknown to `portalId`:
 * another portal's account is indistinguishable from none.
 */
export async function dailyUsage(
  db: ReadDatabase,
  portalId: string,
  accountId: string,
  day: string,
): Promise<DailyUsage | null> {
  const account = await documentOf<QuotaAccountRow>(db, 'accounts', accountId);
  if (!account || account.portalId !== portalId) return null;
  const row = await documentOf<QuotaDayRow>(db, 'days', dailyQuotaStreamName(accountId, day));
  const businessInitiated = (row?.counted ?? 0) - (row?.released ?? 0);
  const cap = capOn(account, day, row);
  return {
    accountId,
    portalId: account.portalId,
    day,
    businessInitiated,
    cap,
    remaining: cap === null ? null : Math.max(0, cap - businessInitiated),
  };
}

/** Verification lifts the cap from the local day it happened on; before that, the cap in force that day. */
function capOn(account: QuotaAccountRow, day: string, row: QuotaDayRow | null): number | null {
  if (account.verifiedAt !== null && calendarDayIn(new Date(account.verifiedAt), account.timeZone) <= day) return null;
  return row?.cap ?? dailyCapAt(new Date(`${day}T12:00:00Z`)).unverifiedBusinessInitiated;
}
