import { AppendOnlyMap, assertNever } from '../core/index.js';
import { COUNTING_RULES, type CountingRule, countedWeight } from './counting-rules.js';
import type { CountedAs, DailyQuotaEvent, MonthlyQuotaEvent } from './quota.events.js';

export interface CountedConversation {
  readonly conversationId: string;
  readonly sessionId?: string;
  readonly reason: CountedAs['reason'];
  readonly countedAt: string;
}

export type MonthlyQuota =
  | Readonly<{ status: 'Empty' }>
  | Readonly<{
      status: 'Counting';
      portalId: string;
      periodKey: string;
      /** Counted and not released, by message id. */
      counted: AppendOnlyMap<string, CountedConversation>;
      /** Sessions already counted, to the message that counted them. */
      sessions: AppendOnlyMap<string, string>;
    }>;

export const initialMonthlyQuota: MonthlyQuota = { status: 'Empty' };

/** Each event adds to (or takes from) the maps of the state before it, without copying them: a fold stays linear. */
export function evolveMonthlyQuota(state: MonthlyQuota, event: MonthlyQuotaEvent): MonthlyQuota {
  let counted = state.status === 'Counting' ? state.counted : AppendOnlyMap.empty<string, CountedConversation>();
  let sessions = state.status === 'Counting' ? state.sessions : AppendOnlyMap.empty<string, string>();
  const { portalId, periodKey, messageId, conversationId } = event.data;
  switch (event.type) {
    case 'ConversationCounted': {
      const { reason, countedAt } = event.data;
      const sessionId = event.data.reason === 'user_initiated_session' ? event.data.sessionId : undefined;
      counted = counted.set(
        messageId,
        sessionId === undefined
          ? { conversationId, reason, countedAt }
          : { conversationId, sessionId, reason, countedAt },
      );
      if (sessionId !== undefined) sessions = sessions.set(sessionId, messageId);
      break;
    }
    case 'ConversationReleased': {
      const sessionId = counted.get(messageId)?.sessionId;
      counted = counted.delete(messageId);
      if (sessionId !== undefined) sessions = sessions.delete(sessionId);
      break;
    }
    default:
      return assertNever(event);
  }
  return { status: 'Counting', portalId, periodKey, counted, sessions };
}

/** Conversations used in the period, each weighed by the rules given (see `countedWeight`). */
export function monthlyUsed(state: MonthlyQuota, rules: readonly CountingRule[] = COUNTING_RULES): number {
  if (state.status !== 'Counting') return 0;
  let used = 0;
  for (const conversation of state.counted.values()) used += countedWeight(conversation, conversation.countedAt, rules);
  return used;
}

export type DailyQuota =
  | Readonly<{ status: 'Empty' }>
  | Readonly<{
      status: 'Counting';
      accountId: string;
      day: string;
      /** Conversation ids of the counted (not released) messages, by message id. */
      counted: AppendOnlyMap<string, string>;
    }>;

export const initialDailyQuota: DailyQuota = { status: 'Empty' };

export function evolveDailyQuota(state: DailyQuota, event: DailyQuotaEvent): DailyQuota {
  let counted = state.status === 'Counting' ? state.counted : AppendOnlyMap.empty<string, string>();
  const { accountId, day, messageId, conversationId } = event.data;
  switch (event.type) {
    case 'BusinessInitiatedCounted':
      counted = counted.set(messageId, conversationId);
      break;
    case 'BusinessInitiatedReleased':
      counted = counted.delete(messageId);
      break;
    default:
      return assertNever(event);
  }
  return { status: 'Counting', accountId, day, counted };
}

export function dailyUsed(state: DailyQuota): number {
  return state.status === 'Counting' ? state.counted.size : 0;
}
