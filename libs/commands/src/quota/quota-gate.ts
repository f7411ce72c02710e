import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Backoff, HandleCommandOptions, handleCommand } from '@helpdesk/command-handling';
import {
  calendarDayIn,
  CommandContext,
  CountedAs,
  countingRuleAt,
  CountingRule,
  dailyCapAt,
  dailyQuotaDecider,
  dailyQuotaStreamName,
  dailyUsed,
  DomainError,
  MonthlyPeriod,
  monthlyPeriodContaining,
  monthlyQuotaDeciderUnder,
  monthlyQuotaStreamName,
  monthlyUsed,
  refuse,
  RULEBOOK,
  type Rulebook,
} from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { causationFrom, contextFrom } from '../shared/command-origin.js';
import { ACTIVE_RULEBOOK } from '../shared/rulebook.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import type {
  BusinessInitiatedRequest,
  BusinessInitiatedReservation,
  ReleaseRequest,
  UserInitiatedSessionCount,
  UserInitiatedSessionRequest,
} from './quota-requests.js';

/**
 * Every send of every channel of a portal writes its monthly stream, so a burst of sends races
 * for it (one writer wins each round). The losers wait a random, growing while before trying
 * again, which spreads them out: far fewer rounds are needed than there are concurrent sends.
 */
const QUOTA_MAX_ATTEMPTS = 25;
const QUOTA_BACKOFF: Backoff = { baseMs: 2, maxMs: 100 };

/**
 * Where conversation sends take their share of the portal's monthly quota and of an unverified
 * account's daily cap. Rule, period and day are worked out here from `now`; the quota deciders
 * keep the counts exact, and appends at the expected revision keep them race-free.
 */
@Injectable()
export class QuotaGate {
  private readonly monthlyDecider;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ACTIVE_RULEBOOK) private readonly rulebook: Rulebook = RULEBOOK,
  ) {
    this.monthlyDecider = monthlyQuotaDeciderUnder(rulebook.counting);
  }

  /** A message outside any session: one conversation of the month, and of the day for an unverified account. */
  async reserveBusinessInitiatedConversation(request: BusinessInitiatedRequest): Promise<BusinessInitiatedReservation> {
    const { now, portal, account, conversationId, messageId } = request;
    const origin = traced(request.origin);
    const rule = countingRuleAt(now, this.rulebook.counting);
    const period = monthlyPeriodContaining(now, portal);
    const { accountId, verified } = account;
    const daily = verified ? undefined : { accountId, day: calendarDayIn(now, account.timeZone) };

    const business: CountedAs = { reason: 'business_initiated' };
    const monthlyUsed = await this.countMonthly({ ...request, origin }, rule, period, business);
    const reservation = { ruleVersion: rule.version, periodKey: period.key, monthlyUsed };
    if (!daily) return reservation;
    try {
      const capRule = dailyCapAt(now, this.rulebook);
      const cap = capRule.unverifiedBusinessInitiated;
      const data = { ...daily, conversationId, messageId, cap, ruleVersion: capRule.version };
      const context = this.contextFor(origin, now, portal.portalId);
      const stream = dailyQuotaStreamName(daily.accountId, daily.day);
      const command = { type: 'CountBusinessInitiated' as const, data, context };
      const { state } = await handleCommand(this.store, stream, dailyQuotaDecider, command, options(origin));
      return { ...reservation, daily, dailyUsed: dailyUsed(state) };
    } catch (error) {
      const reason = error instanceof DomainError ? error.code : 'DAILY_COUNT_FAILED';
      await this.release({ origin, now, portalId: portal.portalId, messageId, reason, periodKey: period.key });
      throw error;
    }
  }

  /** Each business message in an open session: the session's first counts, under a rule that counts sessions. */
  async countUserInitiatedSession(request: UserInitiatedSessionRequest): Promise<UserInitiatedSessionCount> {
    const { now, portal, sessionId } = request;
    const rule = countingRuleAt(now, this.rulebook.counting);
    if (rule.userInitiatedSession === 0) return { ruleVersion: rule.version, counted: false };
    const period = monthlyPeriodContaining(now, portal);
    const origin = traced(request.origin);
    const session: CountedAs = { reason: 'user_initiated_session', sessionId };
    const monthlyUsed = await this.countMonthly({ ...request, origin }, rule, period, session);
    return { ruleVersion: rule.version, counted: true, periodKey: period.key, monthlyUsed };
  }

  /** Gives a reservation back when its send is refused afterwards. Releasing twice is harmless. */
  async release(request: ReleaseRequest): Promise<void> {
    const { now, portalId, messageId, reason, periodKey, daily } = request;
    const origin = traced(request.origin);
    const context = this.contextFor(origin, now, portalId);
    if (daily) {
      const command = { type: 'ReleaseBusinessInitiated' as const, data: { messageId, reason }, context };
      const stream = dailyQuotaStreamName(daily.accountId, daily.day);
      await handleCommand(this.store, stream, dailyQuotaDecider, command, options(origin));
    }
    const command = { type: 'ReleaseConversation' as const, data: { messageId, reason }, context };
    const stream = monthlyQuotaStreamName(portalId, periodKey);
    await handleCommand(this.store, stream, this.monthlyDecider, command, options(origin));
  }

  private async countMonthly(
    request: BusinessInitiatedRequest | UserInitiatedSessionRequest,
    rule: CountingRule,
    period: MonthlyPeriod,
    countedAs: CountedAs,
  ): Promise<number> {
    const { origin, now, portal, conversationId, messageId } = request;
    const data = {
      ...{ conversationId, messageId, ruleVersion: rule.version, limit: portal.monthlyLimit },
      ...{ periodKey: period.key, resetsAt: period.resetsAt, ...countedAs },
    };
    const context = this.contextFor(origin, now, portal.portalId);
    const command = { type: 'CountConversation' as const, data, context };
    const stream = monthlyQuotaStreamName(portal.portalId, period.key);
    const { state } = await handleCommand(this.store, stream, this.monthlyDecider, command, options(origin));
    return monthlyUsed(state, this.rulebook.counting);
  }

  /**
   * The quota deciders are idempotent by message id, so quota events take fresh ids rather than
   * ids derived from the caller's idempotency key, which a count and its release would share.
   */
  private contextFor(origin: CommandOrigin, now: Date, portalId: string): CommandContext {
    if (origin.portalId !== portalId) {
      refuse('NOT_ALLOWED', `Portal ${origin.portalId} cannot use the quota of portal ${portalId}`, { portalId });
    }
    return contextFrom({ ...origin, idempotencyKey: undefined }, now);
  }
}

/** One correlation id for all the events of one gate call, even when the caller gave none. */
function traced(origin: CommandOrigin): CommandOrigin {
  return { ...origin, ...causationFrom(origin) };
}

function options(origin: CommandOrigin): HandleCommandOptions {
  return { causation: causationFrom(origin), maxAttempts: QUOTA_MAX_ATTEMPTS, backoff: QUOTA_BACKOFF };
}
