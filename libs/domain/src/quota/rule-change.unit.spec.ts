import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CountingRule } from './counting-rules.js';
import { COUNTING_RULES } from './counting-rules.js';
import {
  type ConversationCounted,
  type CountConversation,
  evolveMonthlyQuota,
  initialMonthlyQuota,
  monthlyQuotaDeciderUnder,
  monthlyUsed,
} from './index.js';

/** The rulebook as it stood before the 1 November 2024 switch was added to it. */
const BEFORE_THE_SWITCH: readonly CountingRule[] = COUNTING_RULES.filter((rule) => rule.effectiveFrom < '2024-11-01');

const context = (now: string) => ({
  portalId: 'portal-1',
  actor: { kind: 'user' as const, id: 'agent-1' },
  now: new Date(now),
});
const period = { periodKey: '2024-10-28', resetsAt: '2024-11-28T00:00:00.000Z' };

function sessionCounted(messageId: string, countedAt: string, used: number): ConversationCounted {
  return {
    type: 'ConversationCounted',
    data: {
      portalId: 'portal-1',
      conversationId: `c-${messageId}`,
      messageId,
      ruleVersion: 'conversations/2023-06-01',
      limit: 2,
      ...period,
      reason: 'user_initiated_session',
      sessionId: `s-${messageId}`,
      used,
      countedAt,
    },
  };
}

function countBusiness(messageId: string, now: string): CountConversation {
  return {
    type: 'CountConversation',
    data: {
      conversationId: `c-${messageId}`,
      messageId,
      ruleVersion: 'conversations/2024-11-01',
      limit: 2,
      ...period,
      reason: 'business_initiated',
    },
    context: context(now),
  };
}

// Sessions counted on 31 October and on 2 November, under a rulebook that did not yet know the switch.
const history = [
  sessionCounted('oct', '2024-10-31T12:00:00.000Z', 1),
  sessionCounted('nov', '2024-11-02T12:00:00.000Z', 2),
];

describe('A counting rule change reaches counted conversations', () => {
  const state = history.reduce(evolveMonthlyQuota, initialMonthlyQuota);

  it('weighs every counted session under the rules it is folded with', () => {
    expect(monthlyUsed(state, BEFORE_THE_SWITCH)).toBe(2);
    expect(monthlyUsed(state, COUNTING_RULES)).toBe(1);
  });

  it('refuses at the limit under the old rules, and frees the November session under the new ones', () => {
    const command = countBusiness('m3', '2024-11-03T09:00:00.000Z');
    expect(() => monthlyQuotaDeciderUnder(BEFORE_THE_SWITCH).decide(command, state)).toThrow(
      /used its 2 conversations/,
    );
    specificationFor(monthlyQuotaDeciderUnder(COUNTING_RULES))
      .given(history)
      .when(command)
      .then([
        {
          type: 'ConversationCounted',
          data: { ...command.data, portalId: 'portal-1', used: 2, countedAt: '2024-11-03T09:00:00.000Z' },
        },
      ]);
  });

  it('gives back what a released conversation weighs now', () => {
    const release = {
      type: 'ReleaseConversation' as const,
      data: { messageId: 'nov', reason: 'SEND_REFUSED' },
      context: context('2024-11-03T10:00:00.000Z'),
    };
    const [underOld] = monthlyQuotaDeciderUnder(BEFORE_THE_SWITCH).decide(release, state);
    const [underNew] = monthlyQuotaDeciderUnder(COUNTING_RULES).decide(release, state);
    expect(underOld.data).toMatchObject({ used: 1 });
    expect(underNew.data).toMatchObject({ used: 1 });
  });
});
