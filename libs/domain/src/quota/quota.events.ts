import type { DomainEvent } from '../core/index.js';

/** Why a conversation counts: a message outside any session, or the business's side of a contact-opened session. */
export type CountedAs = { reason: 'business_initiated' } | { reason: 'user_initiated_session'; sessionId: string };

/** One conversation taken from the portal's monthly quota, under `ruleVersion`. */
export type ConversationCounted = DomainEvent<
  'ConversationCounted',
  {
    portalId: string;
    periodKey: string;
    conversationId: string;
    messageId: string;
    ruleVersion: string;
    limit: number;
    /** Conversations counted in the period, this one included. */
    used: number;
    resetsAt: string;
    countedAt: string;
  } & CountedAs
>;

/** A counted conversation given back: the send it was reserved for was refused afterwards. */
export type ConversationReleased = DomainEvent<
  'ConversationReleased',
  {
    portalId: string;
    periodKey: string;
    conversationId: string;
    messageId: string;
    /** Why it was given back. */
    reason: string;
    used: number;
    releasedAt: string;
  }
>;

export type MonthlyQuotaEvent = ConversationCounted | ConversationReleased;

/** One business-initiated conversation started by a WABA whose business is not verified, on a local day. */
export type BusinessInitiatedCounted = DomainEvent<
  'BusinessInitiatedCounted',
  {
    accountId: string;
    day: string;
    conversationId: string;
    messageId: string;
    ruleVersion: string;
    cap: number;
    used: number;
    countedAt: string;
  }
>;

export type BusinessInitiatedReleased = DomainEvent<
  'BusinessInitiatedReleased',
  {
    accountId: string;
    day: string;
    conversationId: string;
    messageId: string;
    reason: string;
    used: number;
    releasedAt: string;
  }
>;

export type DailyQuotaEvent = BusinessInitiatedCounted | BusinessInitiatedReleased;
