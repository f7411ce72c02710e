import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import { phoneNumberClaimDecider, phoneNumberIdDecider } from './index.js';
import type { PhoneNumberClaimed } from './phone-number.events.js';

const now = new Date('2025-03-01T10:00:00.000Z');
const inPortal = (portalId: string): CommandContext => ({ portalId, actor: { kind: 'user', id: 'u-1' }, now });
const phoneNumber = '+31612345678';

const claimedByA: PhoneNumberClaimed = {
  type: 'PhoneNumberClaimed',
  data: {
    phoneNumber,
    accountId: 'acc-a',
    portalId: 'portal-a',
    phoneNumberId: 'pn-1',
    claimedAt: '2025-02-01T00:00:00.000Z',
  },
};
const claim = (accountId: string, portalId: string) =>
  ({
    type: 'ClaimPhoneNumber',
    data: { phoneNumber, accountId, phoneNumberId: 'pn-1' },
    context: inPortal(portalId),
  }) as const;
const release = (accountId: string, portalId: string) =>
  ({ type: 'ReleasePhoneNumber', data: { phoneNumber, accountId }, context: inPortal(portalId) }) as const;

describe('Phone number claim', () => {
  const spec = specificationFor(phoneNumberClaimDecider);

  describe('When unclaimed', () => {
    it('is claimed by the first account that asks', () => {
      spec
        .given([])
        .when(claim('acc-a', 'portal-a'))
        .then([{ ...claimedByA, data: { ...claimedByA.data, claimedAt: now.toISOString() } }]);
    });

    it('refuses a number that is not E.164', () => {
      spec
        .given([])
        .when({
          ...claim('acc-a', 'portal-a'),
          data: { phoneNumber: '0612345678', accountId: 'acc-a', phoneNumberId: 'pn-1' },
        })
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it('ignores a release', () => {
      spec.given([]).when(release('acc-a', 'portal-a')).thenNothingHappens();
    });
  });

  describe('When claimed', () => {
    it('refuses another account, saying it must be disconnected there first', () => {
      spec
        .given([claimedByA])
        .when(claim('acc-b', 'portal-b'))
        .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED', /disconnect/);
    });

    it('refuses another account of the same portal too', () => {
      spec.given([claimedByA]).when(claim('acc-b', 'portal-a')).thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
    });

    it('is a no-op for the holding account (idempotent)', () => {
      spec.given([claimedByA]).when(claim('acc-a', 'portal-a')).thenNothingHappens();
    });

    it("answers the holding account's id used from another portal as any other account: the same refusal, no release", () => {
      const fromElsewhere = spec
        .given([claimedByA])
        .when(claim('acc-a', 'portal-b'))
        .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
      const otherAccount = spec
        .given([claimedByA])
        .when(claim('acc-b', 'portal-b'))
        .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
      expect(fromElsewhere.message).toBe(otherAccount.message);
      spec.given([claimedByA]).when(release('acc-a', 'portal-b')).thenNothingHappens();
    });

    it('is released by the holding account', () => {
      spec
        .given([claimedByA])
        .when(release('acc-a', 'portal-a'))
        .then([
          {
            type: 'PhoneNumberReleased',
            data: { phoneNumber, accountId: 'acc-a', portalId: 'portal-a', releasedAt: now.toISOString() },
          },
        ]);
    });

    it('is not released by another account (a late compensation stays harmless)', () => {
      spec.given([claimedByA]).when(release('acc-b', 'portal-b')).thenNothingHappens();
    });
  });

  describe('When released', () => {
    const released = {
      type: 'PhoneNumberReleased',
      data: { ...claimedByA.data, releasedAt: now.toISOString() },
    } as const;

    it('can be claimed by another account', () => {
      expect(spec.given([claimedByA, released]).when(claim('acc-b', 'portal-b')).events()).toMatchObject([
        { type: 'PhoneNumberClaimed', data: { accountId: 'acc-b', portalId: 'portal-b' } },
      ]);
    });
  });
});

describe('Phone number id claim', () => {
  const spec = specificationFor(phoneNumberIdDecider);
  const claimId = (accountId: string, portalId: string, number = phoneNumber) =>
    ({
      type: 'ClaimPhoneNumberId',
      data: { phoneNumberId: 'pn-1', phoneNumber: number, accountId },
      context: inPortal(portalId),
    }) as const;
  const releaseId = (accountId: string, portalId: string) =>
    ({
      type: 'ReleasePhoneNumberId',
      data: { phoneNumberId: 'pn-1', accountId },
      context: inPortal(portalId),
    }) as const;
  const idClaimedByA = {
    type: 'PhoneNumberIdClaimed',
    data: {
      phoneNumberId: 'pn-1',
      phoneNumber,
      accountId: 'acc-a',
      portalId: 'portal-a',
      claimedAt: '2025-02-01T00:00:00.000Z',
    },
  } as const;
  const legacyLink = { type: 'PhoneNumberIdLinked', data: { phoneNumberId: 'pn-1', phoneNumber } } as const;

  it('is claimed by the first account that asks, with the display number Meta pairs it with', () => {
    spec
      .given([])
      .when(claimId('acc-a', 'portal-a'))
      .then([{ ...idClaimedByA, data: { ...idClaimedByA.data, claimedAt: now.toISOString() } }]);
  });

  it('is a no-op for the holding account listing it again', () => {
    spec.given([idClaimedByA]).when(claimId('acc-a', 'portal-a')).thenNothingHappens();
  });

  it('never moves to another account listing it under a fresh display number: the same refusal whoever holds it', () => {
    const otherPortal = spec
      .given([idClaimedByA])
      .when(claimId('acc-b', 'portal-b', '+31687654321'))
      .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
    const samePortal = spec
      .given([idClaimedByA])
      .when(claimId('acc-b', 'portal-a', '+31687654321'))
      .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
    const sameAccountIdElsewhere = spec
      .given([idClaimedByA])
      .when(claimId('acc-a', 'portal-b'))
      .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
    expect(new Set([otherPortal.message, samePortal.message, sameAccountIdElsewhere.message]).size).toBe(1);
    expect(otherPortal.message).toMatch(/disconnect it there first/);
    expect(otherPortal.message).not.toMatch(/portal/);
  });

  it('refuses the holding account pairing it with another display number', () => {
    spec
      .given([idClaimedByA])
      .when(claimId('acc-a', 'portal-a', '+31687654321'))
      .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
  });

  it('is released by the holding account only; then another account may claim it', () => {
    spec.given([idClaimedByA]).when(releaseId('acc-b', 'portal-b')).thenNothingHappens();
    spec.given([idClaimedByA]).when(releaseId('acc-a', 'portal-b')).thenNothingHappens();
    const released = {
      type: 'PhoneNumberIdReleased',
      data: { phoneNumberId: 'pn-1', accountId: 'acc-a', portalId: 'portal-a', releasedAt: now.toISOString() },
    } as const;
    spec.given([idClaimedByA]).when(releaseId('acc-a', 'portal-a')).then([released]);
    expect(
      spec
        .given([idClaimedByA, released])
        .when(claimId('acc-b', 'portal-b', '+31687654321'))
        .events(),
    ).toMatchObject([
      { type: 'PhoneNumberIdClaimed', data: { accountId: 'acc-b', portalId: 'portal-b', phoneNumber: '+31687654321' } },
    ]);
  });

  it('keeps an id linked before id claims existed paired with its display number', () => {
    expect(spec.given([legacyLink]).when(claimId('acc-a', 'portal-a')).events()).toHaveLength(1);
    spec
      .given([legacyLink])
      .when(claimId('acc-b', 'portal-b', '+31687654321'))
      .thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
  });

  it('refuses a display number that is not E.164, or no id', () => {
    spec
      .given([])
      .when(claimId('acc-a', 'portal-a', '31612345678'))
      .thenRefuses('INVALID_PHONE_NUMBER');
    spec
      .given([])
      .when({ ...claimId('acc-a', 'portal-a'), data: { phoneNumberId: ' ', phoneNumber, accountId: 'acc-a' } })
      .thenRefuses('INVALID_COMMAND');
  });
});
