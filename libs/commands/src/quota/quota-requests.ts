import { monthlyLimitAt, RegisteredPortal } from '@helpdesk/domain';
import type { CommandOrigin } from '../shared/command-origin.js';

/** What the gate needs to know of a portal at the moment of a send. */
export interface QuotaPortal {
  readonly portalId: string;
  readonly timeZone: string;
  readonly subscriptionStartedOn: string;
  /** The limit in force at the moment of the send: see `quotaPortalAt`. */
  readonly monthlyLimit: number;
}

/** The WhatsApp Business Account a message goes out through. */
export interface QuotaAccount {
  readonly accountId: string;
  /** Whether Meta verified the business; unverified ones start at most 50 conversations a day. */
  readonly verified: boolean;
  /** The account's own time zone: its days start at local midnight there. */
  readonly timeZone: string;
}

interface QuotaRequest {
  readonly origin: CommandOrigin;
  readonly now: Date;
  readonly conversationId: string;
  readonly messageId: string;
}

export interface BusinessInitiatedRequest extends QuotaRequest {
  readonly portal: QuotaPortal;
  readonly account: QuotaAccount;
}

export interface UserInitiatedSessionRequest extends QuotaRequest {
  readonly portal: QuotaPortal;
  readonly sessionId: string;
}

/** Where a reservation was counted: pass it back to `release` to give it back. */
export interface ReservationKeys {
  readonly periodKey: string;
  /** Present when the account's daily cap was counted too. */
  readonly daily?: Readonly<{ accountId: string; day: string }>;
}

export interface BusinessInitiatedReservation extends ReservationKeys {
  readonly ruleVersion: string;
  readonly monthlyUsed: number;
  readonly dailyUsed?: number;
}

/** `counted: false`: the rule in force does not count user-initiated sessions; record its version anyway. */
export type UserInitiatedSessionCount =
  | Readonly<{ ruleVersion: string; counted: false }>
  | Readonly<{ ruleVersion: string; counted: true; periodKey: string; monthlyUsed: number }>;

export interface ReleaseRequest extends ReservationKeys {
  readonly origin: CommandOrigin;
  readonly now: Date;
  readonly portalId: string;
  readonly messageId: string;
  /** Why the reservation is given back, e.g. the code of the refusal that followed it. */
  readonly reason: string;
}

/** The gate's view of a registered portal at `now`, with the monthly limit then in force. */
export function quotaPortalAt(portal: RegisteredPortal, now: Date): QuotaPortal {
  const { portalId, timeZone, subscriptionStartedOn } = portal;
  return { portalId, timeZone, subscriptionStartedOn, monthlyLimit: monthlyLimitAt(portal, now) };
}
