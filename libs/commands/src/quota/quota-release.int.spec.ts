import { dailyQuotaStreamName, monthlyQuotaStreamName } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import { ChangeMonthlyLimitCommand, ChangeMonthlyLimitHandler } from '../portal/change-monthly-limit.handler.js';
import { loadPortal } from '../portal/load-portal.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '../portal/register-portal.handler.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { QuotaGate } from './quota-gate.js';
import { QuotaAccount, QuotaPortal, quotaPortalAt } from './quota-requests.js';

const origin: CommandOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'agent-1' }, idempotencyKey: 'send-1' };
/** The portal's set-up: two commands on one stream, so not under the send's key (a key names one command). */
const admin: CommandOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'admin-1' } };
const utcAnchor = { subscriptionStartedOn: '2023-06-01', timeZone: 'UTC' };
const portal: QuotaPortal = { portalId: 'acme', ...utcAnchor, monthlyLimit: 10 };
const unverified: QuotaAccount = { accountId: 'waba-new', verified: false, timeZone: 'UTC' };
const now = new Date('2024-10-15T12:00:00.000Z');
const monthlyStream = monthlyQuotaStreamName('acme', '2024-10-01');

describe('QuotaGate: retries, releases and limit changes', () => {
  const stores = useTemporarySqliteStore('quota-release-');
  let gate: QuotaGate;

  beforeEach(() => {
    gate = new QuotaGate(stores.current);
  });

  const reserve = (messageId: string, at = now, forPortal = portal) =>
    gate.reserveBusinessInitiatedConversation({
      ...{ origin, now: at, portal: forPortal, account: unverified },
      ...{ conversationId: 'c1', messageId },
    });
  const typesOf = async (stream: string) => (await eventsOf(stores.current, stream)).map((event) => event.type);

  it('counts a retried reservation once', async () => {
    await reserve('m1');
    await expect(reserve('m1')).resolves.toMatchObject({ monthlyUsed: 1, dailyUsed: 1 });
    expect(await typesOf(monthlyStream)).toEqual(['ConversationCounted']);
  });

  it('gives back the monthly and the daily count of a send refused afterwards, once', async () => {
    const reservation = await reserve('m1');
    const release = { origin, now, portalId: 'acme', messageId: 'm1', reason: 'send refused by Meta', ...reservation };
    await gate.release(release);
    await gate.release(release);

    const monthly = await eventsOf(stores.current, monthlyStream);
    expect(monthly.map((event) => event.type)).toEqual(['ConversationCounted', 'ConversationReleased']);
    // The caller's idempotency key is shared by the count and its release: their event ids must still differ.
    expect(new Set(monthly.map((event) => event.id)).size).toBe(2);
    expect(await typesOf(dailyQuotaStreamName('waba-new', '2024-10-15'))).toEqual([
      'BusinessInitiatedCounted',
      'BusinessInitiatedReleased',
    ]);
    await expect(reserve('m2')).resolves.toMatchObject({ monthlyUsed: 1, dailyUsed: 1 });
  });

  it('counts a released session again at its next message', async () => {
    const count = (messageId: string) =>
      gate.countUserInitiatedSession({ origin, now, portal, conversationId: 'c1', sessionId: 's1', messageId });
    await count('m1');
    const periodKey = '2024-10-01';
    await gate.release({ origin, now, portalId: 'acme', messageId: 'm1', reason: 'send refused', periodKey });
    await expect(count('m2')).resolves.toMatchObject({ counted: true, monthlyUsed: 1 });
    const types = await typesOf(monthlyStream);
    expect(types).toEqual(['ConversationCounted', 'ConversationReleased', 'ConversationCounted']);
  });

  it('uses the monthly limit in force at the moment of the send', async () => {
    const clock = { now: () => new Date('2024-10-01T00:00:00Z') };
    const registration = { name: 'Acme', ...utcAnchor, monthlyConversationLimit: 1 };
    await new RegisterPortalHandler(stores.current, clock).execute(new RegisterPortalCommand(admin, registration));
    const change = { limit: 2, effectiveFrom: '2024-10-20T00:00:00Z' };
    await new ChangeMonthlyLimitHandler(stores.current, clock).execute(new ChangeMonthlyLimitCommand(admin, change));
    const registered = await loadPortal(stores.current, 'acme');
    const beforeChange = new Date('2024-10-19T23:59:59.999Z');
    const atChange = new Date('2024-10-20T00:00:00.000Z');

    await reserve('m1', beforeChange, quotaPortalAt(registered, beforeChange));
    const refusal = await refusalOf(reserve('m2', beforeChange, quotaPortalAt(registered, beforeChange)));
    expect(refusal).toMatchObject({ code: 'MONTHLY_LIMIT_REACHED', details: { limit: 1 } });
    const atChangeReservation = await reserve('m2', atChange, quotaPortalAt(registered, atChange));
    expect(atChangeReservation).toMatchObject({ monthlyUsed: 2 });
  });

  it("refuses to spend another portal's quota", async () => {
    const refusal = await refusalOf(reserve('m1', now, { ...portal, portalId: 'globex' }));
    expect(refusal).toMatchObject({ code: 'NOT_ALLOWED' });
  });
});
