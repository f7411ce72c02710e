import {
  type AccountConnected,
  type BusinessInitiatedCounted,
  type DailyQuotaEvent,
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
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess, Projection } from '../core/projection.js';
import type { QuotaAccountRow, QuotaDayRow, QuotaPeriodRow, QuotaPortalRow } from './quota.documents.js';

const PORTALS = 'portals';
const ACCOUNTS = 'accounts';
/** Periods and days are keyed by their quota stream's name, which names them unambiguously. */
const PERIODS = 'periods';
const DAYS = 'days';
/** What each counted message weighs under the rulebook, so its release gives back exactly that. */
const WEIGHTS = 'weights';

/**
 * Conversations used per portal and monthly period, and business-initiated ones per account and
 * day, recomputed under `rulebook`: each counted conversation weighs what the rule in force when
 * it was counted says, and each day's cap is the one in force that day. Rebuilding under a changed
 * rulebook therefore recomputes the counters (see the README's rule-change walkthrough).
 */
export function quotaProjectionUnder(rulebook: Rulebook): Projection {
  return {
  name: 'quota',
  version: 2,
  rulesVersion: quotaRulesVersion(rulebook),
  eventTypes: [
    'PortalRegistered', 'MonthlyLimitChanged', 'ConversationCounted', 'ConversationReleased',
    'AccountConnected', 'BusinessVerified', 'BusinessInitiatedCounted', 'BusinessInitiatedReleased',
  ],
  tables: [
    { name: PORTALS, columns: {}, indexes: [] },
    { name: ACCOUNTS, columns: { portal_id: 'text' }, indexes: [] },
    { name: PERIODS, columns: { portal_id: 'text', period_key: 'text' }, indexes: [['portal_id', 'period_key']] },
    { name: DAYS, columns: { account_id: 'text', day: 'text' }, indexes: [['account_id', 'day']] },
    { name: WEIGHTS, columns: {}, indexes: [] },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === ACCOUNTS) return { portal_id: (document as unknown as QuotaAccountRow).portalId };
    if (table === PERIODS) {
      const period = document as unknown as QuotaPeriodRow;
      return { portal_id: period.portalId, period_key: period.periodKey };
    }
    if (table === DAYS) {
      const day = document as unknown as QuotaDayRow;
      return { account_id: day.accountId, day: day.day };
    }
    return {};
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
export const quotaProjection: Projection = quotaProjectionUnder(RULEBOOK);

/** The domain's own fold, so the limit in force is worked out exactly as the quota gate does. */
async function projectPortal(event: RecordedEvent, access: DocumentAccess): Promise<void> {
  const typed = { type: event.type, data: event.data } as PortalEvent;
  const current = await access.get<QuotaPortalRow & Document>(PORTALS, typed.data.portalId);
  const next = evolvePortal(current ?? initialPortalState, typed);
  if (next.status === 'Registered') access.put(PORTALS, next.portalId, next as unknown as Document);
}

async function projectAccount(event: RecordedEvent, access: DocumentAccess): Promise<void> {
  if (event.type === 'AccountConnected') {
    const { accountId, portalId, timeZone, businessVerified, connectedAt } = (event.data as AccountConnected['data']);
    const row: QuotaAccountRow = { accountId, portalId, timeZone, verifiedAt: businessVerified ? connectedAt : null };
    return access.put(ACCOUNTS, accountId, row as unknown as Document);
  }
  const { accountId, verifiedAt } = event.data as { accountId: string; verifiedAt: string };
  const account = await access.get<QuotaAccountRow & Document>(ACCOUNTS, accountId);
  if (account && account.verifiedAt === null) access.put(ACCOUNTS, accountId, { ...account, verifiedAt });
}

async function projectPeriod(event: RecordedEvent, access: DocumentAccess, rulebook: Rulebook): Promise<void> {
  const typed = { type: event.type, data: event.data } as MonthlyQuotaEvent;
  const { portalId, periodKey, messageId } = typed.data;
  const current = await access.get<QuotaPeriodRow & Document>(PERIODS, event.streamName);
  const period: QuotaPeriodRow = current ?? { portalId, periodKey, resetsAt: '', counted: 0, released: 0 };
  if (typed.type === 'ConversationCounted') {
    const weight = countedWeight(typed.data, typed.data.countedAt, rulebook.counting);
    access.put(WEIGHTS, messageId, { weight });
    access.put(PERIODS, event.streamName, { ...period, resetsAt: typed.data.resetsAt, counted: period.counted + weight } as unknown as Document);
    return;
  }
  const weight = (await access.get<{ weight: number }>(WEIGHTS, messageId))?.weight ?? 0;
  access.put(PERIODS, event.streamName, { ...period, released: period.released + weight } as unknown as Document);
}

async function projectDay(event: RecordedEvent, access: DocumentAccess, rulebook: Rulebook): Promise<void> {
  const typed = { type: event.type, data: event.data } as DailyQuotaEvent;
  const { accountId, day } = typed.data;
  const current = await access.get<QuotaDayRow & Document>(DAYS, event.streamName);
  const row: QuotaDayRow = current ?? { accountId, day, counted: 0, released: 0, cap: 0 };
  const next =
    typed.type === 'BusinessInitiatedCounted'
      ? { ...row, cap: dailyCapAt(new Date((typed.data as BusinessInitiatedCounted['data']).countedAt), rulebook).unverifiedBusinessInitiated, counted: row.counted + 1 }
      : { ...row, released: row.released + 1 };
  access.put(DAYS, event.streamName, next as unknown as Document);
}
