import { DAY, HOUR, conversationOf, helpdesk, inboundMessage, later } from '@helpdesk/domain/fixtures';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { dailyUsage } from './daily-usage.reader.js';
import { quotaUsage } from './quota-usage.reader.js';
import { quotaProjection } from './quota.projection.js';

const { accountId, portalId, template } = helpdesk;
const contacts = ['+33612345670', '+33612345671', '+33612345672'];
const firstMessagesAt = '2025-03-10T09:00:00.000Z';
/** A day after the contacts wrote: their sessions are over, so templates are business-initiated. */
const sendsAt = later(firstMessagesAt, DAY + HOUR);
const march = { periodKey: '2025-02-15', startsAt: '2025-02-14T23:00:00.000Z', resetsAt: '2025-03-14T23:00:00.000Z' };

describe.each(readStoresUnderTest())('quota projection on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(quotaProjection, readStoreUnderTest, {
    connectedAt: '2025-03-01T08:00:00.000Z',
    monthlyConversationLimit: 3,
  });
  const request = { ...template, parameters: { body: ['Ana', '#1042'] } };
  const sendTemplate = (phone: string) => t.world.append(t.world.history.sendTemplate(conversationOf(phone), request));
  /** A send whose conversation append failed for good (the disk was full): its quota is given back. */
  const sendTemplateNotRecorded = (phone: string) =>
    t.world.append(t.world.history.sendTemplate(conversationOf(phone), request, { notRecorded: true }));
  const changeMonthlyLimit = (data: { limit: number; effectiveFrom: string }) =>
    t.world.append(t.world.history.changeMonthlyLimit(data));
  const markBusinessVerified = () => t.world.append(t.world.history.markBusinessVerified(accountId));
  const now = new Date(sendsAt);

  beforeEach(async () => {
    t.world.clock.set(firstMessagesAt);
    for (const [index, phone] of contacts.entries())
      await t.world.receive(inboundMessage(`wamid.${index}`, firstMessagesAt, phone));
    t.world.clock.set(sendsAt);
  });

  it('counts business-initiated conversations per period and per day, with the limit and the reset', async () => {
    await sendTemplate(contacts[0]);
    await sendTemplate(contacts[1]);
    await t.caughtUp();

    expect(await quotaUsage(t.db, portalId, undefined, now)).toEqual({
      portalId,
      ...march,
      used: 2,
      counted: 2,
      released: 0,
      limit: 3,
      remaining: 1,
    });
    expect(await quotaUsage(t.db, portalId, march.periodKey, now)).toEqual(
      await quotaUsage(t.db, portalId, undefined, now),
    );
    expect(await dailyUsage(t.db, portalId, accountId, '2025-03-11')).toEqual({
      accountId,
      portalId,
      day: '2025-03-11',
      businessInitiated: 2,
      cap: 50,
      remaining: 48,
    });
    expect(await dailyUsage(t.db, portalId, accountId, '2025-03-10')).toMatchObject({
      businessInitiated: 0,
      cap: 50,
      remaining: 50,
    });
  });

  it('gives back a conversation whose send could not be recorded', async () => {
    await sendTemplateNotRecorded(contacts[0]);
    await sendTemplate(contacts[1]);
    await t.caughtUp();

    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({
      used: 1,
      counted: 2,
      released: 1,
      remaining: 2,
    });
    expect(await dailyUsage(t.db, portalId, accountId, '2025-03-11')).toMatchObject({
      businessInitiated: 1,
      remaining: 49,
    });
  });

  it('shows the limit in force: now, at the end of a past period and at the start of a future one', async () => {
    await sendTemplate(contacts[0]);
    const effectiveFrom = '2025-03-12T00:00:00.000Z';
    await changeMonthlyLimit({ limit: 10, effectiveFrom });
    await t.caughtUp();

    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({ used: 1, limit: 3, remaining: 2 });
    expect(await quotaUsage(t.db, portalId, undefined, new Date('2025-03-13T00:00:00Z'))).toMatchObject({
      used: 1,
      limit: 10,
      remaining: 9,
    });
    const afterwards = new Date('2025-05-01T00:00:00Z');
    expect(await quotaUsage(t.db, portalId, march.periodKey, afterwards)).toMatchObject({
      used: 1,
      limit: 10,
      remaining: 9,
    });
    expect(await quotaUsage(t.db, portalId, '2025-01-15', afterwards)).toMatchObject({
      used: 0,
      limit: 3,
      remaining: 3,
    });
    expect(await quotaUsage(t.db, portalId, '2025-03-15', now)).toEqual({
      portalId,
      periodKey: '2025-03-15',
      startsAt: '2025-03-14T23:00:00.000Z',
      resetsAt: '2025-04-14T22:00:00.000Z',
      used: 0,
      counted: 0,
      released: 0,
      limit: 10,
      remaining: 10,
    });
    expect(await quotaUsage(t.db, portalId, '2025-03-16', now)).toBeNull();
    expect(await quotaUsage(t.db, 'other-portal', undefined, now)).toBeNull();
  });

  it('shows nothing remaining once the limit is used up', async () => {
    for (const phone of contacts) await sendTemplate(phone);
    await t.caughtUp();

    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({ used: 3, limit: 3, remaining: 0 });
  });

  it('lifts the daily cap from the local day the business is verified', async () => {
    await sendTemplate(contacts[0]);
    t.world.clock.set(later(sendsAt, DAY));
    await markBusinessVerified();
    await sendTemplate(contacts[1]);
    await t.caughtUp();

    expect(await dailyUsage(t.db, portalId, accountId, '2025-03-11')).toMatchObject({
      businessInitiated: 1,
      cap: 50,
      remaining: 49,
    });
    expect(await dailyUsage(t.db, portalId, accountId, '2025-03-12')).toMatchObject({
      businessInitiated: 0,
      cap: null,
      remaining: null,
    });
    expect(await dailyUsage(t.db, portalId, 'account-unknown', '2025-03-12')).toBeNull();
    expect(await dailyUsage(t.db, 'another-portal', accountId, '2025-03-12')).toBeNull();
    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({ used: 2 });
  });

  it('gives the same usage when rebuilt from history as live', async () => {
    await sendTemplateNotRecorded(contacts[2]);
    await sendTemplate(contacts[0]);
    await changeMonthlyLimit({ limit: 5, effectiveFrom: '2025-03-11T12:00:00.000Z' });
    await markBusinessVerified();
    await sendTemplate(contacts[1]);
    await t.caughtUp();

    const read = async (db: typeof t.db) => ({
      month: await quotaUsage(db, portalId, undefined, new Date('2025-03-11T13:00:00Z')),
      next: await quotaUsage(db, portalId, '2025-03-15', now),
      days: [
        await dailyUsage(db, portalId, accountId, '2025-03-10'),
        await dailyUsage(db, portalId, accountId, '2025-03-11'),
      ],
    });
    const live = await read(t.db);
    expect(live.month).toMatchObject({ used: 2, counted: 3, released: 1, limit: 5 });
    expect(await t.rebuilt(read)).toEqual(live);
  });
});
