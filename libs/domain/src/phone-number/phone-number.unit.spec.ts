import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import { phoneNumberClaimDecider, phoneNumberIdDecider } from './index.js';
import type { PhoneNumberClaimed } from './phone-number.events.js';

const now = new Date('2025-03-01T10:00:00.000Z');
const inPortal = (portalId: string): CommandContext => ({ portalId, actor: { kind: 'user', id: 'u-1' }, now });
const phoneNumber = '+31612345678';

const claimedByA: PhoneNumberClaimed = {
  type: 'PhoneNumberClaimed',
  data: { phoneNumber, accountId: 'acc-a', portalId: 'portal-a', phoneNumberId: 'pn-1', claimedAt: '2025-02-01T00:00:00.000Z' },
};
const claim = (accountId: string, portalId: string) =>
  ({ type: 'ClaimPhoneNumber', data: { phoneNumber, accountId, phoneNumberId: 'pn-1' }, context: inPortal(portalId) }) as const;
const release = (accountId: string, portalId: string) =>
  ({ type: 'ReleasePhoneNumber', data: { phoneNumber, accountId }, context: inPortal(portalId) }) as const;

describe('Phone number claim', () => {
  const spec = specificationFor(phoneNumberClaimDecider);

  describe('When unclaimed', () => {
    it('is claimed by the first account that asks', () => {
      spec.given([]).when(claim('acc-a', 'portal-a')).then([
        { ...claimedByA, data: { ...claimedByA.data, claimedAt: now.toISOString() } },
      ]);
    });

    it('refuses a number that is not E.164', () => {
      spec
        .given([])
        .when({ ...claim('acc-a', 'portal-a'), data: { phoneNumber: '0612345678', accountId: 'acc-a', phoneNumberId: 'pn-1' } })
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it('ignores a release', () => {
      spec.given([]).when(release('acc-a', 'portal-a')).thenNothingHappens();
    });
  });

  describe('When claimed', () => {
    it('refuses another account, saying it must be disconnected there first', () => {
      spec.given([claimedByA]).when(claim('acc-b', 'portal-b')).thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED', /disconnect/);
    });

    it('refuses another account of the same portal too', () => {
      spec.given([claimedByA]).when(claim('acc-b', 'portal-a')).thenRefuses('PHONE_NUMBER_ALREADY_CLAIMED');
    });

    it('is a no-op for the holding account (idempotent)', () => {
      spec.given([claimedByA]).when(claim('acc-a', 'portal-a')).thenNothingHappens();
    });

    it('refuses the holding account id used from another portal', () => {
      spec.given([claimedByA]).when(claim('acc-a', 'portal-b')).thenRefuses('NOT_ALLOWED');
      spec.given([claimedByA]).when(release('acc-a', 'portal-b')).thenRefuses('NOT_ALLOWED');
    });

    it('is released by the holding account', () => {
      spec.given([claimedByA]).when(release('acc-a', 'portal-a')).then([
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
    const released = { type: 'PhoneNumberReleased', data: { ...claimedByA.data, releasedAt: now.toISOString() } } as const;

    it('can be claimed by another account', () => {
      expect(spec.given([claimedByA, released]).when(claim('acc-b', 'portal-b')).events()).toMatchObject([
        { type: 'PhoneNumberClaimed', data: { accountId: 'acc-b', portalId: 'portal-b' } },
      ]);
    });
  });
});

describe('Phone number id index', () => {
  const spec = specificationFor(phoneNumberIdDecider);
  const link = (number: string) =>
    ({ type: 'LinkPhoneNumberId', data: { phoneNumberId: 'pn-1', phoneNumber: number }, context: inPortal('portal-a') }) as const;
  const linked = { type: 'PhoneNumberIdLinked', data: { phoneNumberId: 'pn-1', phoneNumber } } as const;

  it('links an id to its display number once', () => {
    spec.given([]).when(link(phoneNumber)).then([linked]);
    spec.given([linked]).when(link(phoneNumber)).thenNothingHappens();
  });

  it('follows the id to a new display number', () => {
    spec.given([linked]).when(link('+31687654321')).then([
      { type: 'PhoneNumberIdLinked', data: { phoneNumberId: 'pn-1', phoneNumber: '+31687654321' } },
    ]);
  });

  it('refuses a number that is not E.164', () => {
    spec.given([]).when(link('31612345678')).thenRefuses('INVALID_PHONE_NUMBER');
  });
});
