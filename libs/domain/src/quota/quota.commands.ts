import type { DomainCommand } from '../core/index.js';
import type { CountedAs } from './quota.events.js';

/**
 * The shell works out the rule, the limit in force and the period; the decider keeps the count
 * honest (one count per message, one per session, never above the limit).
 */
export type CountConversation = DomainCommand<
  'CountConversation',
  {
    conversationId: string;
    messageId: string;
    ruleVersion: string;
    limit: number;
    periodKey: string;
    resetsAt: string;
  } & CountedAs
>;

export type ReleaseConversation = DomainCommand<'ReleaseConversation', { messageId: string; reason: string }>;

export type MonthlyQuotaCommand = CountConversation | ReleaseConversation;

export type CountBusinessInitiated = DomainCommand<
  'CountBusinessInitiated',
  {
    accountId: string;
    conversationId: string;
    messageId: string;
    /** The account's local date, 'YYYY-MM-DD'. */
    day: string;
    cap: number;
    ruleVersion: string;
  }
>;

export type ReleaseBusinessInitiated = DomainCommand<'ReleaseBusinessInitiated', { messageId: string; reason: string }>;

export type DailyQuotaCommand = CountBusinessInitiated | ReleaseBusinessInitiated;
