import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import { wabaClaimDecider } from './index.js';
import type { WabaClaimed } from './waba.events.js';

const now = new Date('2025-03-01T10:00:00.000Z');
const inPortal = (portalId: string): CommandContext => ({ portalId, actor: { kind: 'user', id: 'u-1' }, now });
const wabaId = '102290129340398';
const claimedByA: WabaClaimed = {
  type: 'WabaClaimed',
  data: { wabaId, accountId: 'acc-a', portalId: 'portal-a', claimedAt: '2025-02-01T00:00:00.000Z' },
};
const claim = (accountId: string, portalId: string) =>
  ({ type: 'ClaimWaba', data: { wabaId, accountId }, context: inPortal(portalId) }) as const;
const release = (accountId: string, portalId: string) =>
  ({ type: 'ReleaseWaba', data: { wabaId, accountId }, context: inPortal(portalId) }) as const;

describe('WABA id claim', () => {
  const spec = specificationFor(wabaClaimDecider);

  it('is claimed by the first account that connects it', () => {
    spec
      .given([])
      .when(claim('acc-a', 'portal-a'))
      .then([{ ...claimedByA, data: { ...claimedByA.data, claimedAt: now.toISOString() } }]);
  });

  it('is a no-op for the holding account (a retried connection)', () => {
    spec.given([claimedByA]).when(claim('acc-a', 'portal-a')).thenNothingHappens();
  });

  it('cannot be squatted: any other account, of any portal, gets one refusal that names no portal', () => {
    const otherPortal = spec
      .given([claimedByA])
      .when(claim('acc-b', 'portal-b'))
      .thenRefuses('ACCOUNT_ALREADY_CLAIMED', /disconnect it there first/);
    const samePortal = spec.given([claimedByA]).when(claim('acc-b', 'portal-a')).thenRefuses('ACCOUNT_ALREADY_CLAIMED');
    const sameIdElsewhere = spec
      .given([claimedByA])
      .when(claim('acc-a', 'portal-b'))
      .thenRefuses('ACCOUNT_ALREADY_CLAIMED');
    expect(new Set([otherPortal.message, samePortal.message, sameIdElsewhere.message]).size).toBe(1);
    expect(otherPortal.message).not.toMatch(/portal-a/);
  });

  it('is released by the holding account only, and then free for another', () => {
    spec.given([claimedByA]).when(release('acc-b', 'portal-b')).thenNothingHappens();
    spec.given([claimedByA]).when(release('acc-a', 'portal-b')).thenNothingHappens();
    spec.given([]).when(release('acc-a', 'portal-a')).thenNothingHappens();
    const released = {
      type: 'WabaReleased',
      data: { wabaId, accountId: 'acc-a', portalId: 'portal-a', releasedAt: now.toISOString() },
    } as const;
    spec.given([claimedByA]).when(release('acc-a', 'portal-a')).then([released]);
    expect(spec.given([claimedByA, released]).when(claim('acc-b', 'portal-b')).events()).toMatchObject([
      { type: 'WabaClaimed', data: { accountId: 'acc-b', portalId: 'portal-b' } },
    ]);
  });

  it('refuses a blank WABA id', () => {
    spec
      .given([])
      .when({ ...claim('acc-a', 'portal-a'), data: { wabaId: ' ', accountId: 'acc-a' } })
      .thenRefuses('INVALID_COMMAND');
  });
});
