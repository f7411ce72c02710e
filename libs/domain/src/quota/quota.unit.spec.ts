import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  BusinessInitiatedCounted,
  ConversationCounted,
  CountBusinessInitiated,
  CountConversation,
  CountedAs,
  dailyQuotaDecider,
  monthlyQuotaDecider,
} from './index.js';
import { RULEBOOK } from '../rules/index.js';

const now = new Date('2024-10-15T10:00:00.000Z');
const context = { portalId: 'portal-1', actor: { kind: 'user' as const, id: 'agent-1' }, now };
const period = { periodKey: '2024-09-28', resetsAt: '2024-10-27T22:00:00.000Z' };
const ruleVersion = 'conversations/2023-06-01';
const business: CountedAs = { reason: 'business_initiated' };
const session = (sessionId: string): CountedAs => ({ reason: 'user_initiated_session', sessionId });

function count(messageId: string, countedAs: CountedAs = business, limit = 3): CountConversation {
  return {
    type: 'CountConversation',
    data: { conversationId: `conversation-of-${messageId}`, messageId, ruleVersion, limit, ...period, ...countedAs },
    context,
  };
}

function counted(messageId: string, used: number, countedAs: CountedAs = business, limit = 3): ConversationCounted {
  const { data } = count(messageId, countedAs, limit);
  return { type: 'ConversationCounted', data: { ...data, portalId: 'portal-1', used, countedAt: now.toISOString() } };
}

describe('Monthly quota', () => {
  const spec = specificationFor(monthlyQuotaDecider);
  const release = (messageId: string) =>
    ({ type: 'ReleaseConversation', data: { messageId, reason: 'DAILY_LIMIT_REACHED' }, context }) as const;

  describe('When empty', () => {
    it('counts a business-initiated conversation with the rule, the limit and the reset', () => {
      spec
        .given([])
        .when(count('m1'))
        .then([counted('m1', 1)]);
    });

    it('counts a user-initiated session', () => {
      spec
        .given([])
        .when(count('m1', session('s1')))
        .then([counted('m1', 1, session('s1'))]);
    });

    it('counts the only conversation of a limit of 1', () => {
      spec
        .given([])
        .when(count('m1', business, 1))
        .then([counted('m1', 1, business, 1)]);
    });

    it('has nothing to release', () => {
      spec.given([]).when(release('m1')).thenNothingHappens();
    });
  });

  describe('When counting', () => {
    const history = [counted('m1', 1), counted('m2', 2, session('s1'))];

    it('counts the same message once', () => {
      spec.given(history).when(count('m1')).thenNothingHappens();
    });

    it('counts a session once: later messages in it are free', () => {
      spec
        .given(history)
        .when(count('m3', session('s1')))
        .thenNothingHappens();
    });

    it('counts another session and another business-initiated message', () => {
      spec
        .given(history)
        .when(count('m3', session('s2')))
        .then([counted('m3', 3, session('s2'))]);
      spec
        .given(history)
        .when(count('m3'))
        .then([counted('m3', 3)]);
    });

    it('releases a counted message, giving its conversation back', () => {
      spec
        .given(history)
        .when(release('m1'))
        .then([
          {
            type: 'ConversationReleased',
            data: {
              portalId: 'portal-1',
              ...{ periodKey: '2024-09-28', conversationId: 'conversation-of-m1', messageId: 'm1' },
              ...{ reason: 'DAILY_LIMIT_REACHED', used: 1, releasedAt: now.toISOString() },
            },
          },
        ]);
    });

    it('releases only what it counted, once', () => {
      spec.given(history).when(release('m9')).thenNothingHappens();
      const [released] = spec.given(history).when(release('m1')).events();
      spec
        .given([...history, released])
        .when(release('m1'))
        .thenNothingHappens();
    });

    it('counts a released session again at its next message', () => {
      const [released] = spec.given(history).when(release('m2')).events();
      spec
        .given([...history, released])
        .when(count('m3', session('s1')))
        .then([counted('m3', 2, session('s1'))]);
    });
  });

  describe('When the limit is reached', () => {
    const full = [counted('m1', 1), counted('m2', 2, session('s1')), counted('m3', 3)];

    it('refuses another conversation and says when the limit resets', () => {
      const refusal = spec
        .given(full)
        .when(count('m4'))
        .thenRefuses('MONTHLY_LIMIT_REACHED', /3 conversations.*resets at 2024-10-27T22:00:00.000Z/);
      expect(refusal.details).toEqual({ used: 3, limit: 3, resetsAt: period.resetsAt, periodKey: period.periodKey });
    });

    it('refuses a new session too', () => {
      spec
        .given(full)
        .when(count('m4', session('s2')))
        .thenRefuses('MONTHLY_LIMIT_REACHED');
    });

    it('still accepts what was already counted: a retried message, a session already paid for', () => {
      spec.given(full).when(count('m3')).thenNothingHappens();
      spec
        .given(full)
        .when(count('m4', session('s1')))
        .thenNothingHappens();
    });

    it('refuses when the limit was lowered below what is used', () => {
      spec
        .given(full)
        .when(count('m4', business, 2))
        .thenRefuses('MONTHLY_LIMIT_REACHED');
    });

    it('has room again after a release', () => {
      const [released] = spec.given(full).when(release('m3')).events();
      spec
        .given([...full, released])
        .when(count('m4'))
        .then([counted('m4', 3)]);
    });
  });
});

describe('Daily quota of an unverified account', () => {
  const spec = specificationFor(dailyQuotaDecider);
  const cap = RULEBOOK.dailyCap[0].unverifiedBusinessInitiated;
  const day = '2024-10-15';
  const countDaily = (messageId: string): CountBusinessInitiated => ({
    type: 'CountBusinessInitiated',
    data: { accountId: 'waba-1', conversationId: `conversation-of-${messageId}`, messageId, day, cap, ruleVersion },
    context,
  });
  const countedDaily = (messageId: string, used: number): BusinessInitiatedCounted => ({
    type: 'BusinessInitiatedCounted',
    data: { ...countDaily(messageId).data, used, countedAt: now.toISOString() },
  });
  const history = (count: number) =>
    Array.from({ length: count }, (_, index) => countedDaily(`m${index + 1}`, index + 1));
  const release = (messageId: string) =>
    ({ type: 'ReleaseBusinessInitiated', data: { messageId, reason: 'MONTHLY_LIMIT_REACHED' }, context }) as const;

  it('caps business-initiated conversations at 50 a day', () => {
    expect(cap).toBe(50);
  });

  describe('When empty', () => {
    it('counts the first conversation of the day', () => {
      spec
        .given([])
        .when(countDaily('m1'))
        .then([countedDaily('m1', 1)]);
    });

    it('has nothing to release', () => {
      spec.given([]).when(release('m1')).thenNothingHappens();
    });
  });

  describe('When counting', () => {
    it('counts the 50th conversation', () => {
      spec
        .given(history(49))
        .when(countDaily('m50'))
        .then([countedDaily('m50', 50)]);
    });

    it('counts the same message once', () => {
      spec.given(history(10)).when(countDaily('m10')).thenNothingHappens();
    });

    it('releases a counted message', () => {
      spec
        .given(history(2))
        .when(release('m2'))
        .then([
          {
            type: 'BusinessInitiatedReleased',
            data: {
              ...{ accountId: 'waba-1', day, conversationId: 'conversation-of-m2', messageId: 'm2' },
              ...{ reason: 'MONTHLY_LIMIT_REACHED', used: 1, releasedAt: now.toISOString() },
            },
          },
        ]);
    });
  });

  describe('When the cap is reached', () => {
    it('refuses the 51st conversation of the day', () => {
      const refusal = spec
        .given(history(50))
        .when(countDaily('m51'))
        .thenRefuses('DAILY_LIMIT_REACHED', /not verified.*50/);
      expect(refusal.details).toEqual({ used: 50, cap: 50, day, accountId: 'waba-1' });
    });

    it('still accepts a retried message', () => {
      spec.given(history(50)).when(countDaily('m50')).thenNothingHappens();
    });

    it('has room again after a release', () => {
      const [released] = spec.given(history(50)).when(release('m7')).events();
      spec
        .given([...history(50), released])
        .when(countDaily('m51'))
        .then([countedDaily('m51', 50)]);
    });
  });
});
