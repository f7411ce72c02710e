import { dailyQuotaStreamName, DomainError, monthlyQuotaStreamName } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { QuotaGate } from './quota-gate.js';
import type { QuotaAccount, QuotaPortal } from './quota-requests.js';

const origin: CommandOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'agent-1' } };
const utcAnchor = { subscriptionStartedOn: '2023-06-01', timeZone: 'UTC' };
const portalWith = (monthlyLimit: number, anchor = utcAnchor): QuotaPortal => ({
  portalId: 'acme',
  ...anchor,
  monthlyLimit,
});
const verified: QuotaAccount = { accountId: 'waba-verified', verified: true, timeZone: 'UTC' };
const unverified: QuotaAccount = { accountId: 'waba-new', verified: false, timeZone: 'Pacific/Kiritimati' };
const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

describe('QuotaGate against the embedded store', () => {
  const stores = useTemporarySqliteStore('quota-');
  let gate: QuotaGate;

  beforeEach(() => {
    gate = new QuotaGate(stores.current);
  });

  function reserve(portal: QuotaPortal, account: QuotaAccount, messageId: string, now: Date) {
    const conversationId = `conversation-${messageId}`;
    return gate.reserveBusinessInitiatedConversation({ origin, now, portal, account, conversationId, messageId });
  }

  function countSession(portal: QuotaPortal, sessionId: string, messageId: string, now: Date) {
    const conversationId = `conversation-${sessionId}`;
    return gate.countUserInitiatedSession({ origin, now, portal, conversationId, sessionId, messageId });
  }

  const countedIn = async (stream: string) =>
    (await eventsOf(stores.current, stream)).filter((event) => event.type === 'ConversationCounted');
  const october = new Date('2024-10-15T12:00:00.000Z');
  const octoberStream = monthlyQuotaStreamName('acme', '2024-10-01');

  it('shares the monthly limit between all the accounts of a portal', async () => {
    const portal = portalWith(3);
    const other: QuotaAccount = { ...verified, accountId: 'waba-other' };
    await reserve(portal, verified, 'm1', october);
    await reserve(portal, other, 'm2', october);
    const third = await reserve(portal, verified, 'm3', october);
    expect(third).toMatchObject({ periodKey: '2024-10-01', monthlyUsed: 3 });

    for (const [account, messageId] of [
      [verified, 'm4'],
      [other, 'm5'],
    ] as const) {
      const refusal = await refusalOf(reserve(portal, account, messageId, october));
      expect(refusal.code).toBe('MONTHLY_LIMIT_REACHED');
      expect(refusal.details).toMatchObject({ used: 3, limit: 3, resetsAt: '2024-11-01T00:00:00.000Z' });
    }
    expect(await countedIn(octoberStream)).toHaveLength(3);
  });

  it('caps an unverified account at 50 a local day, while a verified account of the portal carries on', async () => {
    const portal = portalWith(1000);
    const lateOn10March = new Date('2024-03-10T09:00:00.000Z'); // 23:00 in Kiritimati
    for (const index of range(50)) {
      const reservation = await reserve(portal, unverified, `u${index}`, lateOn10March);
      expect(reservation).toMatchObject({ dailyUsed: index, daily: { accountId: 'waba-new', day: '2024-03-10' } });
    }
    const refusal = await refusalOf(reserve(portal, unverified, 'u51', lateOn10March));
    expect(refusal.code).toBe('DAILY_LIMIT_REACHED');
    expect(refusal.details).toMatchObject({ used: 50, cap: 50, day: '2024-03-10' });

    await expect(reserve(portal, verified, 'v1', lateOn10March)).resolves.toMatchObject({ monthlyUsed: 51 });
    const monthly = await eventsOf(stores.current, monthlyQuotaStreamName('acme', '2024-03-01'));
    const released = monthly.filter((event) => event.type === 'ConversationReleased');
    expect(released.map((event) => event.data)).toEqual([
      expect.objectContaining({ messageId: 'u51', reason: 'DAILY_LIMIT_REACHED' }),
    ]);

    const nextLocalDay = new Date('2024-03-10T10:00:00.000Z'); // midnight in Kiritimati, still 10 March in UTC
    const nextDay = await reserve(portal, unverified, 'u51', nextLocalDay);
    expect(nextDay).toMatchObject({ monthlyUsed: 52, dailyUsed: 1 });
    expect(await eventsOf(stores.current, dailyQuotaStreamName('waba-new', '2024-03-11'))).toHaveLength(1);
  });

  it('accepts exactly the conversations left when more reservations than that race for them', async () => {
    const portal = portalWith(8);
    for (const index of range(3)) await reserve(portal, verified, `early-${index}`, october);

    const racing = range(12).map((index) => reserve(portal, verified, `race-${index}`, october));
    const outcomes = await Promise.allSettled(racing);

    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(7);
    expect(refused.every((error) => error instanceof DomainError && error.code === 'MONTHLY_LIMIT_REACHED')).toBe(true);
    const counted = await countedIn(octoberStream);
    const data = counted.map((event) => event.data as { messageId: string; used: number });
    expect(data.filter(({ messageId }) => messageId.startsWith('race-'))).toHaveLength(5);
    expect(data.map(({ used }) => used)).toEqual(range(8));
  });

  it('lets forty concurrent reservations through when there is room for all of them', async () => {
    const racing = range(40).map((index) => reserve(portalWith(1000), verified, `m${index}`, october));
    const outcomes = await Promise.all(racing);
    expect(outcomes.map((outcome) => outcome.monthlyUsed).sort((a, b) => a - b)).toEqual(range(40));
  });

  it('keeps the daily cap exact under a race, giving back the monthly count of each refused one', async () => {
    const at = new Date('2024-03-10T09:00:00.000Z');
    const racing = range(60).map((index) => reserve(portalWith(1000), unverified, `u${index}`, at));
    const outcomes = await Promise.allSettled(racing);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(50);
    const monthly = await eventsOf(stores.current, monthlyQuotaStreamName('acme', '2024-03-01'));
    expect(monthly.filter((event) => event.type === 'ConversationCounted')).toHaveLength(60);
    expect(monthly.filter((event) => event.type === 'ConversationReleased')).toHaveLength(10);
    expect(await eventsOf(stores.current, dailyQuotaStreamName('waba-new', '2024-03-10'))).toHaveLength(50);
  });

  it('rolls over to a new period on the reset day, in the portal time zone', async () => {
    const portal = portalWith(2, { subscriptionStartedOn: '2023-01-31', timeZone: 'America/Los_Angeles' });
    const february28 = new Date('2024-02-28T12:00:00.000Z');
    await reserve(portal, verified, 'm1', february28);
    await reserve(portal, verified, 'm2', february28);
    const refusal = await refusalOf(reserve(portal, verified, 'm3', february28));
    expect(refusal.message).toMatch(/resets at 2024-02-29T08:00:00.000Z/);

    const justBefore = await refusalOf(reserve(portal, verified, 'm3', new Date('2024-02-29T07:59:59.999Z')));
    expect(justBefore.code).toBe('MONTHLY_LIMIT_REACHED');
    const atReset = await reserve(portal, verified, 'm3', new Date('2024-02-29T08:00:00.000Z'));
    expect(atReset).toMatchObject({ periodKey: '2024-02-29', monthlyUsed: 1 });
    expect(await countedIn(monthlyQuotaStreamName('acme', '2024-01-31'))).toHaveLength(2);
    expect(await countedIn(monthlyQuotaStreamName('acme', '2024-02-29'))).toHaveLength(1);
  });

  it('counts a user-initiated session until 1 November 2024 00:00 UTC, not after; events record the rule', async () => {
    const portal = portalWith(1000);
    const before = new Date('2024-10-31T23:59:59.999Z');
    const after = new Date('2024-11-01T00:00:00.000Z');
    const oldRule = 'conversations/2023-06-01';
    const newRule = 'conversations/2024-11-01';
    const paidSession = { ruleVersion: oldRule, counted: true, periodKey: '2024-10-01', monthlyUsed: 1 };
    await expect(countSession(portal, 's1', 'm1', before)).resolves.toEqual(paidSession);
    await expect(countSession(portal, 's1', 'm2', before)).resolves.toEqual(paidSession);
    await expect(countSession(portal, 's2', 'm3', after)).resolves.toEqual({ ruleVersion: newRule, counted: false });
    await expect(reserve(portal, verified, 'm4', after)).resolves.toMatchObject({ ruleVersion: newRule });

    const october = await eventsOf(stores.current, monthlyQuotaStreamName('acme', '2024-10-01'));
    const november = await eventsOf(stores.current, monthlyQuotaStreamName('acme', '2024-11-01'));
    expect(october.map((event) => [event.data, event.metadata.ruleVersion])).toEqual([
      [expect.objectContaining({ reason: 'user_initiated_session', sessionId: 's1', ruleVersion: oldRule }), oldRule],
    ]);
    expect(november.map((event) => [event.data, event.metadata.ruleVersion])).toEqual([
      [expect.objectContaining({ reason: 'business_initiated', messageId: 'm4', ruleVersion: newRule }), newRule],
    ]);
  });
});
