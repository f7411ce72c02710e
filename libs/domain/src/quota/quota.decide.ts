import { assertNever, refuse } from '../core/index.js';
import type {
  CountBusinessInitiated,
  CountConversation,
  DailyQuotaCommand,
  MonthlyQuotaCommand,
  ReleaseBusinessInitiated,
  ReleaseConversation,
} from './quota.commands.js';
import type {
  BusinessInitiatedCounted,
  BusinessInitiatedReleased,
  ConversationCounted,
  ConversationReleased,
  DailyQuotaEvent,
  MonthlyQuotaEvent,
} from './quota.events.js';
import { COUNTING_RULES, type CountingRule, countedWeight } from './counting-rules.js';
import { DailyQuota, dailyUsed, MonthlyQuota, monthlyUsed } from './quota.state.js';

/** Counts are kept under `rules`: the gate passes the rulebook it runs with. */
export function decideMonthlyQuota(
  command: MonthlyQuotaCommand,
  state: MonthlyQuota,
  rules: readonly CountingRule[] = COUNTING_RULES,
): MonthlyQuotaEvent[] {
  switch (command.type) {
    case 'CountConversation':
      return countConversation(command, state, rules);
    case 'ReleaseConversation':
      return releaseConversation(command, state, rules);
    default:
      return assertNever(command);
  }
}

/** A message counts once; a session counts once, whichever of its messages comes first. */
function countConversation(
  command: CountConversation,
  state: MonthlyQuota,
  rules: readonly CountingRule[],
): ConversationCounted[] {
  const { data, context } = command;
  if (state.status === 'Counting') {
    const alreadyCounted =
      state.counted.has(data.messageId) ||
      (data.reason === 'user_initiated_session' && state.sessions.has(data.sessionId));
    if (alreadyCounted) return [];
  }
  const used = monthlyUsed(state, rules);
  if (used >= data.limit) {
    refuse(
      'MONTHLY_LIMIT_REACHED',
      `The portal has used its ${data.limit} conversations for this month; the limit resets at ${data.resetsAt}`,
      { used, limit: data.limit, resetsAt: data.resetsAt, periodKey: data.periodKey },
    );
  }
  const counted = { ...data, portalId: context.portalId, used: used + 1, countedAt: context.now.toISOString() };
  return [{ type: 'ConversationCounted', data: counted }];
}

function releaseConversation(
  command: ReleaseConversation,
  state: MonthlyQuota,
  rules: readonly CountingRule[],
): ConversationReleased[] {
  if (state.status !== 'Counting') return [];
  const { messageId, reason } = command.data;
  const conversation = state.counted.get(messageId);
  if (!conversation) return [];
  const { portalId, periodKey } = state;
  const used = monthlyUsed(state, rules) - countedWeight(conversation, conversation.countedAt, rules);
  const releasedAt = command.context.now.toISOString();
  const { conversationId } = conversation;
  const released = { portalId, periodKey, conversationId, messageId, reason, used, releasedAt };
  return [{ type: 'ConversationReleased', data: released }];
}

export function decideDailyQuota(command: DailyQuotaCommand, state: DailyQuota): DailyQuotaEvent[] {
  switch (command.type) {
    case 'CountBusinessInitiated':
      return countBusinessInitiated(command, state);
    case 'ReleaseBusinessInitiated':
      return releaseBusinessInitiated(command, state);
    default:
      return assertNever(command);
  }
}

function countBusinessInitiated(command: CountBusinessInitiated, state: DailyQuota): BusinessInitiatedCounted[] {
  const { data, context } = command;
  if (state.status === 'Counting' && state.counted.has(data.messageId)) return [];
  const used = dailyUsed(state);
  if (used >= data.cap) {
    refuse(
      'DAILY_LIMIT_REACHED',
      `This WhatsApp account's business is not verified: it may start ${data.cap} conversations a day and has ` +
        `started them all on ${data.day}; verify the business to lift the cap`,
      { used, cap: data.cap, day: data.day, accountId: data.accountId },
    );
  }
  const counted = { ...data, used: used + 1, countedAt: context.now.toISOString() };
  return [{ type: 'BusinessInitiatedCounted', data: counted }];
}

function releaseBusinessInitiated(command: ReleaseBusinessInitiated, state: DailyQuota): BusinessInitiatedReleased[] {
  if (state.status !== 'Counting') return [];
  const { messageId, reason } = command.data;
  const conversationId = state.counted.get(messageId);
  if (conversationId === undefined) return [];
  const { accountId, day } = state;
  const used = dailyUsed(state) - 1;
  const releasedAt = command.context.now.toISOString();
  const released = { accountId, day, conversationId, messageId, reason, used, releasedAt };
  return [{ type: 'BusinessInitiatedReleased', data: released }];
}
