import { RULEBOOK, type Rulebook } from '@helpdesk/domain';
import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { rebuildProjection } from '../core/blue-green-rebuild.js';
import { readProjectionStatuses } from '../core/projection-status.js';
import { checkProjectionDrift } from '../core/rebuild-to-position.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { quotaUsage } from './quota-usage.reader.js';
import { quotaProjectionUnder } from './quota.projection.js';

/** The rulebook as it stood before the 1 November 2024 switch was written into it. */
const { portalId } = helpdesk;
const beforeTheSwitch: Rulebook = {
  ...RULEBOOK,
  counting: RULEBOOK.counting.filter((rule) => rule.effectiveFrom < '2024-11-01'),
};
const october = '2024-10-31T10:00:00.000Z';
const november = '2024-11-02T10:00:00.000Z';
const contacts = ['+33612345670', '+33612345671'];
const now = new Date('2024-11-03T12:00:00.000Z');

describe.each(readStoresUnderTest())('replaying the 1 November 2024 switch on $name', (readStoreUnderTest) => {
  // History recorded, and projected live, by a service whose rulebook did not yet know the switch.
  const t = useProjectionWorld(quotaProjectionUnder(beforeTheSwitch), readStoreUnderTest, {
    connectedAt: '2024-10-20T08:00:00.000Z',
    rulebook: beforeTheSwitch,
  });

  beforeEach(async () => {
    for (const [index, sentAt] of [october, november].entries()) {
      t.world.clock.set(sentAt);
      await t.world.receive(inboundMessage(`wamid.${index}`, sentAt, contacts[index]));
      t.world.clock.set(new Date(Date.parse(sentAt) + HOUR).toISOString());
      await t.world.append(t.world.history.reply(conversationOf(contacts[index]), { kind: 'text', body: 'On it' }));
    }
    await t.caughtUp();
  });

  it('counted both sessions under the old rules', async () => {
    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({
      periodKey: '2024-10-15',
      used: 2,
      counted: 2,
    });
  });

  it('is reported stale under the new rules, and a rebuild recomputes November’s session as free', async () => {
    const underNewRules = quotaProjectionUnder(RULEBOOK);
    const [before] = await readProjectionStatuses(t.world.store, t.db, [underNewRules]);
    expect(before).toMatchObject({
      stale: true,
      rulesVersion: quotaProjectionUnder(beforeTheSwitch).rulesVersion,
      currentRulesVersion: underNewRules.rulesVersion,
    });

    const outcome = await rebuildProjection(t.world.store, t.db, underNewRules);

    expect(outcome.state).toBe('switched');
    expect(await quotaUsage(t.db, portalId, undefined, now)).toMatchObject({
      periodKey: '2024-10-15',
      used: 1,
      counted: 1,
      remaining: 999,
    });
    const [after] = await readProjectionStatuses(t.world.store, t.db, [underNewRules]);
    expect(after).toMatchObject({ stale: false, rulesVersion: underNewRules.rulesVersion, pendingRebuild: null });
    expect((await checkProjectionDrift(t.world.store, t.db, underNewRules)).report.equal).toBe(true);
  });
});
