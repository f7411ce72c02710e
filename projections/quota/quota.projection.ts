import {
  type BusinessVerified,
  type DailyQuotaEvent,
  type HelpdeskEventOf,
  type HelpdeskEventType,
  type MonthlyQuotaEvent,
  type PortalEvent,
  RULEBOOK,
  type Rulebook,
  countedWeight,
  dailyCapAt,
  evolvePortal,
  initialPortalState,
  quotaRulesVersion,
} from '@helpdesk/domain';
import type { ColumnValues, DocumentAccess, Projection, ProjectedEvent, TableDocument } from '../core/projection.js';
import type { QuotaAccountRow, QuotaDayRow, QuotaPeriodRow, QuotaPortalRow } from './quota.documents.js';

const PORTALS = 'portals';
const ACCOUNTS = 'accounts';
/** Periods and days are keyed by their quota stream's name, which names them unambiguously. */
const PERIODS = 'periods';
const DAYS = 'days';
/** What each counted message weighs under the rulebook, so its release gives back exactly that. */
const WEIGHTS = 'weights';

const QUOTA_EVENTS = [
  'PortalRegistered',
  'MonthlyLimitChanged',
  'ConversationCounted',
  'ConversationReleased',
  'AccountConnected',
  'BusinessVerified',
  'BusinessInitiatedCounted',
  'BusinessInitiatedReleased',
] as const satisfies readonly HelpdeskEventType[];

export type QuotaEvent = HelpdeskEventOf<(typeof QUOTA_EVENTS)[number]>;

export type QuotaRows = {
  readonly portals: QuotaPortalRow;
  readonly accounts: QuotaAccountRow;
  readonly periods: QuotaPeriodRow;
  readonly days: QuotaDayRow;
  readonly weights: { readonly weight: number };
};

type QuotaAccess = DocumentAccess<QuotaRows>;

/**
 * Conversations used per portal and monthly period, and business-initiated ones per account and
 * day, recomputed under `rulebook`: each counted conversation weighs what the rule in force when
 * it was counted says, and each day's cap is the one in force that day. Rebuilding under a changed
 * rulebook therefore recomputes the counters (see the README's rule-change walkthrough).
 */
export function quotaProjectionUnder(rulebook: Rulebook): Projection<QuotaEvent, QuotaRows> {
  return {
    name: 'quota',
    version: 2,
    rulesVersion: quotaRulesVersion(rulebook),
    eventTypes: QUOTA_EVENTS,
    tables: [
      { name: PORTALS, columns: {}, indexes: [] },
      { name: ACCOUNTS, columns: { portal_id: 'text' }, indexes: [] },
      { name: PERIODS, columns: { portal_id: 'text', period_key: 'text' }, indexes: [['portal_id', 'period_key']] },
      { name: DAYS, columns: { account_id: 'text', day: 'text' }, indexes: [['account_id', 'day']] },
      { name: WEIGHTS, columns: {}, indexes: [] },
    ],
    columnsOf(entry: TableDocument<QuotaRows>): ColumnValues {
      switch (entry.table) {
        case ACCOUNTS:
          return { portal_id: entry.document.portalId };
        case PERIODS:
          return { portal_id: entry.document.portalId, period_key: entry.document.periodKey };
        case DAYS:
          return { account_id: entry.document.accountId, day: entry.document.day };
        default:
          return {};
      }
    },
    async project(event, access) {
      switch (event.type) {
        case 'PortalRegistered':
        case 'MonthlyLimitChanged':
          return projectPortal(event, access);
        case 'AccountConnected':
        case 'BusinessVerified':
          return projectAccount(event, access);
        case 'ConversationCounted':
        case 'ConversationReleased':
          return projectPeriod(event, access, rulebook);
        case 'BusinessInitiatedCounted':
        case 'BusinessInitiatedReleased':
          return projectDay(event, access, rulebook);
      }
    },
  };
}

/** Under the rulebook shipped with the code: what the API serves and the queries name. */
export const quotaProjection: Projection<QuotaEvent, QuotaRows> = quotaProjectionUnder(RULEBOOK);

/** The domain's own fold, so the limit in force is worked out exactly as the quota gate does. */
async function projectPortal(event: ProjectedEvent<PortalEvent>, access: QuotaAccess): Promise<void> {
  const current = await access.get(PORTALS, event.data.portalId);
  const next = evolvePortal(current ?? initialPortalState, event);
  if (next.status === 'Registered') access.put(PORTALS, next.portalId, next);
}

async function projectAccount(
  event: ProjectedEvent<HelpdeskEventOf<'AccountConnected'> | BusinessVerified>,
  access: QuotaAccess,
): Promise<void> {
  if (event.type === 'AccountConnected') {
    const { accountId, portalId, timeZone, businessVerified, connectedAt } = event.data;
    const row: QuotaAccountRow = { accountId, portalId, timeZone, verifiedAt: businessVerified ? connectedAt : null };
    return access.put(ACCOUNTS, accountId, row);
  }
  const { accountId, verifiedAt } = event.data;
  const account = await access.get(ACCOUNTS, accountId);
  if (account && account.verifiedAt === null) access.put(ACCOUNTS, accountId, { ...account, verifiedAt });
}

async function projectPeriod(
  event: ProjectedEvent<MonthlyQuotaEvent>,
  access: QuotaAccess,
  rulebook: Rulebook,
): Promise<void> {
  const { portalId, periodKey, messageId } = event.data;
  const current = await access.get(PERIODS, event.streamName);
  const period: QuotaPeriodRow = current ?? { portalId, periodKey, resetsAt: '', counted: 0, released: 0 };
  if (event.type === 'ConversationCounted') {
    const weight = countedWeight(event.data, event.data.countedAt, rulebook.counting);
    access.put(WEIGHTS, messageId, { weight });
    access.put(PERIODS, event.streamName, {
      ...period,
      resetsAt: event.data.resetsAt,
      counted: period.counted + weight,
    });
    return;
  }
  const weight = (await access.get(WEIGHTS, messageId))?.weight ?? 0;
  access.put(PERIODS, event.streamName, { ...period, released: period.released + weight });
}

async function projectDay(
  event: ProjectedEvent<DailyQuotaEvent>,
  access: QuotaAccess,
  rulebook: Rulebook,
): Promise<void> {
  const { accountId, day } = event.data;
  const current = await access.get(DAYS, event.streamName);
  const row: QuotaDayRow = current ?? { accountId, day, counted: 0, released: 0, cap: 0 };
  const next =
    event.type === 'BusinessInitiatedCounted'
      ? {
          ...row,
          cap: dailyCapAt(new Date(event.data.countedAt), rulebook).unverifiedBusinessInitiated,
          counted: row.counted + 1,
        }
      : { ...row, released: row.released + 1 };
  access.put(DAYS, event.streamName, next);
}
