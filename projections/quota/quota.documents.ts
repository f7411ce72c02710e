import type { RegisteredPortal } from '@helpdesk/domain';

/** The portal as the domain folds it (time zone, reset day, every limit decision), so limits are read the same way. */
export type QuotaPortalRow = RegisteredPortal;

/** One monthly period of a portal, from its quota stream. */
export interface QuotaPeriodRow {
  readonly portalId: string;
  readonly periodKey: string;
  readonly resetsAt: string;
  readonly counted: number;
  readonly released: number;
}

/** What the daily cap needs of a WhatsApp account: whose it is, its days, and since when it is verified. */
export interface QuotaAccountRow {
  readonly accountId: string;
  readonly portalId: string;
  readonly timeZone: string;
  /** Null while the business is not verified. */
  readonly verifiedAt: string | null;
}

/** One local day of an account's business-initiated conversations, from its daily stream. */
export interface QuotaDayRow {
  readonly accountId: string;
  readonly day: string;
  readonly counted: number;
  readonly released: number;
  readonly cap: number;
}

export interface QuotaUsage {
  readonly portalId: string;
  readonly periodKey: string;
  readonly startsAt: string;
  readonly resetsAt: string;
  /** Conversations counted in the period minus those given back. */
  readonly used: number;
  readonly counted: number;
  readonly released: number;
  /** The portal's monthly limit in force: now, or at the period's edge for another period. */
  readonly limit: number;
  readonly remaining: number;
}

export interface DailyUsage {
  readonly accountId: string;
  readonly portalId: string;
  readonly day: string;
  /** Business-initiated conversations counted that day, minus those given back. */
  readonly businessInitiated: number;
  /** Null: the business was verified by that day, so no daily cap applies. */
  readonly cap: number | null;
  readonly remaining: number | null;
}
