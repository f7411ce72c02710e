import { assertNever } from '../core/index.js';
import type { DailyQuotaEvent, MonthlyQuotaEvent } from './quota.events.js';

export interface CountedConversation {
  readonly conversationId: string;
  readonly sessionId?: string;
}

export type MonthlyQuota =
  | Readonly<{ status: 'Empty' }>
  | Readonly<{
      status: 'Counting';
      portalId: string;
      periodKey: string;
      /** Counted and not released, by message id. */
      counted: ReadonlyMap<string, CountedConversation>;
      /** Sessions already counted, to the message that counted them. */
      sessions: ReadonlyMap<string, string>;
    }>;

export const initialMonthlyQuota: MonthlyQuota = { status: 'Empty' };

export function evolveMonthlyQuota(state: MonthlyQuota, event: MonthlyQuotaEvent): MonthlyQuota {
  const counted = new Map(state.status === 'Counting' ? state.counted : []);
  const sessions = new Map(state.status === 'Counting' ? state.sessions : []);
  const { portalId, periodKey, messageId, conversationId } = event.data;
  switch (event.type) {
    case 'ConversationCounted': {
      const sessionId = event.data.reason === 'user_initiated_session' ? event.data.sessionId : undefined;
      counted.set(messageId, sessionId === undefined ? { conversationId } : { conversationId, sessionId });
      if (sessionId !== undefined) sessions.set(sessionId, messageId);
      break;
    }
    case 'ConversationReleased': {
      const sessionId = counted.get(messageId)?.sessionId;
      counted.delete(messageId);
      if (sessionId !== undefined) sessions.delete(sessionId);
      break;
    }
    default:
      return assertNever(event);
  }
  return { status: 'Counting', portalId, periodKey, counted, sessions };
}

export function monthlyUsed(state: MonthlyQuota): number {
  return state.status === 'Counting' ? state.counted.size : 0;
}

export type DailyQuota =
  | Readonly<{ status: 'Empty' }>
  | Readonly<{
      status: 'Counting';
      accountId: string;
      day: string;
      /** Conversation ids of the counted (not released) messages, by message id. */
      counted: ReadonlyMap<string, string>;
    }>;

export const initialDailyQuota: DailyQuota = { status: 'Empty' };

export function evolveDailyQuota(state: DailyQuota, event: DailyQuotaEvent): DailyQuota {
  const counted = new Map(state.status === 'Counting' ? state.counted : []);
  const { accountId, day, messageId, conversationId } = event.data;
  switch (event.type) {
    case 'BusinessInitiatedCounted':
      counted.set(messageId, conversationId);
      break;
    case 'BusinessInitiatedReleased':
      counted.delete(messageId);
      break;
    default:
      return assertNever(event);
  }
  return { status: 'Counting', accountId, day, counted };
}

export function dailyUsed(state: DailyQuota): number {
  return state.status === 'Counting' ? state.counted.size : 0;
}
