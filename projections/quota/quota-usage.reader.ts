import {
  type MonthlyPeriod,
  type PeriodAnchor,
  monthlyLimitAt,
  monthlyPeriodContaining,
  monthlyQuotaStreamName,
} from '@helpdesk/domain';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import type { QuotaPeriodRow, QuotaPortalRow, QuotaUsage } from './quota.documents.js';
import { quotaProjection } from './quota.projection.js';

const DAY_MS = 24 * 3_600_000;

/**
 * A portal's monthly conversations: the period containing `now`, or the one starting on
 * `periodKey` (its local start date). Null for an unknown portal or a date no period starts on.
 */
export async function quotaUsage(
  db: ReadDatabase,
  portalId: string,
  periodKey?: string,
  now = new Date(),
): Promise<QuotaUsage | null> {
  const portal = await documentOf<QuotaPortalRow>(db, 'portals', portalId);
  if (!portal) return null;
  const period = periodKey === undefined ? monthlyPeriodContaining(now, portal) : periodStartingOn(periodKey, portal);
  if (!period) return null;
  const row = await documentOf<QuotaPeriodRow>(db, 'periods', monthlyQuotaStreamName(portalId, period.key));
  const counted = row?.counted ?? 0;
  const released = row?.released ?? 0;
  const used = counted - released;
  const limit = monthlyLimitAt(portal, limitInstant(period, now));
  return {
    portalId,
    periodKey: period.key,
    startsAt: period.startsAt,
    // What the quota gate recorded when it counted; the same instant the anchor gives.
    resetsAt: row?.resetsAt || period.resetsAt,
    used,
    counted,
    released,
    limit,
    remaining: Math.max(0, limit - used),
  };
}

/** The period whose local start date is `key`: any instant a day into it finds it, whatever the offset. */
function periodStartingOn(key: string, anchor: PeriodAnchor): MonthlyPeriod | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key) || Number.isNaN(Date.parse(key))) return null;
  const period = monthlyPeriodContaining(new Date(Date.parse(`${key}T12:00:00Z`) + DAY_MS), anchor);
  return period.key === key ? period : null;
}

/** Now for the current period; for a past one its last instant, for a future one its first. */
function limitInstant(period: MonthlyPeriod, now: Date): Date {
  const first = Date.parse(period.startsAt);
  const last = Date.parse(period.resetsAt) - 1;
  return new Date(Math.min(Math.max(now.getTime(), first), last));
}

export async function documentOf<Doc>(db: ReadDatabase, table: string, id: string): Promise<Doc | null> {
  const row = (await db
    .selectFrom(physicalTableName(quotaProjection, table))
    .select('document')
    .where('id', '=', id)
    .executeTakeFirst()) as { document: string } | undefined;
  return row ? (JSON.parse(row.document) as Doc) : null;
}
