import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import type { ChangeContact, ContactCommand, ContactPhoneCommand } from './contact.commands.js';
import type { ContactCreated, ContactPhoneLinked } from './contact.events.js';
import { contactDecider, contactPhoneIndexDecider, contactPhoneNumbers, linkedContactIds } from './index.js';
import {
  evolveContact,
  evolveContactPhoneIndex,
  initialContactPhoneIndexState,
  initialContactState,
} from './contact.state.js';

const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const context = (portalId = 'portal-a'): CommandContext => ({ portalId, actor: { kind: 'user', id: 'u-1' }, now });

const created: ContactCreated = {
  type: 'ContactCreated',
  data: {
    contactId: 'c-1',
    portalId: 'portal-a',
    name: 'Anna',
    phoneNumber: '+31201234567',
    mobilePhoneNumber: null,
    createdAt: '2025-01-01T00:00:00.000Z',
  },
};
const create = (data: Partial<Extract<ContactCommand, { type: 'CreateContact' }>['data']> = {}): ContactCommand => ({
  type: 'CreateContact',
  data: { contactId: 'c-1', name: 'Anna', ...data },
  context: context(),
});
const change = (data: Omit<ChangeContact['data'], 'contactId'>, portalId = 'portal-a'): ContactCommand => ({
  type: 'ChangeContact',
  data: { contactId: 'c-1', ...data },
  context: context(portalId),
});

describe('Contact', () => {
  const spec = specificationFor(contactDecider);

  describe('When there is no contact', () => {
    it('creates one with its numbers normalised, national spellings read in the default country', () => {
      spec
        .given([])
        .when(create({ phoneNumber: '020 123 4567', mobilePhoneNumber: '06 12345678', defaultCountry: 'NL' }))
        .then([
          {
            type: 'ContactCreated',
            data: { ...created.data, mobilePhoneNumber: '+31612345678', createdAt: at },
          },
        ]);
    });

    it('creates one without numbers', () => {
      expect(spec.given([]).when(create()).events()[0].data).toMatchObject({
        phoneNumber: null,
        mobilePhoneNumber: null,
      });
    });

    it('refuses a national number without a default country', () => {
      spec
        .given([])
        .when(create({ mobilePhoneNumber: '06 12345678' }))
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it('refuses a blank name', () => {
      spec
        .given([])
        .when(create({ name: ' ' }))
        .thenRefuses('INVALID_COMMAND');
    });

    it('refuses a change', () => {
      spec
        .given([])
        .when(change({ name: 'Bea' }))
        .thenRefuses('CONTACT_NOT_FOUND');
    });
  });

  describe('When active', () => {
    it('refuses creating it again', () => {
      spec.given([created]).when(create()).thenRefuses('CONTACT_ALREADY_EXISTS');
    });

    it("refuses a change from another portal exactly as an unknown contact's", () => {
      const fromElsewhere = spec
        .given([created])
        .when(change({ name: 'Bea' }, 'portal-b'))
        .thenRefuses('CONTACT_NOT_FOUND');
      const unknown = spec
        .given([])
        .when(change({ name: 'Bea' }, 'portal-b'))
        .thenRefuses('CONTACT_NOT_FOUND');
      expect(fromElsewhere.message).toBe(unknown.message);
    });

    it('renames it', () => {
      spec
        .given([created])
        .when(change({ name: ' Bea ' }))
        .then([{ type: 'ContactRenamed', data: { contactId: 'c-1', name: 'Bea', renamedAt: at } }]);
    });

    it('records a number change with the previous number, and a cleared number as null', () => {
      spec
        .given([created])
        .when(change({ phoneNumber: null, mobilePhoneNumber: '+31 6 12345678' }))
        .then([
          {
            type: 'ContactPhoneNumberChanged',
            data: { contactId: 'c-1', property: 'phoneNumber', previous: '+31201234567', current: null, changedAt: at },
          },
          {
            type: 'ContactPhoneNumberChanged',
            data: {
              contactId: 'c-1',
              property: 'mobilePhoneNumber',
              previous: null,
              current: '+31612345678',
              changedAt: at,
            },
          },
        ]);
    });

    it('does nothing when the values are the same, however spelled', () => {
      spec
        .given([created])
        .when(change({ name: 'Anna', phoneNumber: '020 123 4567', defaultCountry: 'NL' }))
        .thenNothingHappens();
    });

    it('refuses an invalid new number', () => {
      spec
        .given([created])
        .when(change({ mobilePhoneNumber: 'none' }))
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it('lists its distinct numbers', () => {
      const both = evolveContact(evolveContact(initialContactState, created), {
        type: 'ContactPhoneNumberChanged',
        data: {
          contactId: 'c-1',
          property: 'mobilePhoneNumber',
          previous: null,
          current: '+31201234567',
          changedAt: at,
        },
      });
      expect(contactPhoneNumbers(both)).toEqual(['+31201234567']);
      expect(contactPhoneNumbers(initialContactState)).toEqual([]);
    });
  });
});

describe('Contact phone index', () => {
  const spec = specificationFor(contactPhoneIndexDecider);
  const phoneNumber = '+31612345678';
  const command = (
    type: ContactPhoneCommand['type'],
    contactId: string,
    property: 'phoneNumber' | 'mobilePhoneNumber',
  ): ContactPhoneCommand => ({
    type,
    data: { phoneNumber, contactId, property },
    context: context(),
  });
  const linked = (contactId: string, property: 'phoneNumber' | 'mobilePhoneNumber'): ContactPhoneLinked => ({
    type: 'ContactPhoneLinked',
    data: { portalId: 'portal-a', phoneNumber, contactId, property },
  });

  describe('When the contact is not linked', () => {
    it('links it', () => {
      spec
        .given([])
        .when(command('LinkContactPhone', 'c-1', 'mobilePhoneNumber'))
        .then([linked('c-1', 'mobilePhoneNumber')]);
    });

    it('ignores an unlink', () => {
      spec
        .given([linked('c-1', 'phoneNumber')])
        .when(command('UnlinkContactPhone', 'c-1', 'mobilePhoneNumber'))
        .thenNothingHappens();
    });
  });

  describe('When the contact is linked', () => {
    it('links it only once', () => {
      spec
        .given([linked('c-1', 'phoneNumber')])
        .when(command('LinkContactPhone', 'c-1', 'phoneNumber'))
        .thenNothingHappens();
    });

    it('unlinks it', () => {
      spec
        .given([linked('c-1', 'phoneNumber')])
        .when(command('UnlinkContactPhone', 'c-1', 'phoneNumber'))
        .then([{ type: 'ContactPhoneUnlinked', data: linked('c-1', 'phoneNumber').data }]);
    });

    it('keeps a contact found while it still has the number as its other property', () => {
      const unlinked = { type: 'ContactPhoneUnlinked', data: linked('c-1', 'phoneNumber').data } as const;
      const events = [
        linked('c-1', 'phoneNumber'),
        linked('c-1', 'mobilePhoneNumber'),
        linked('c-2', 'phoneNumber'),
        unlinked,
      ];
      expect(linkedContactIds(events.reduce(evolveContactPhoneIndex, initialContactPhoneIndexState))).toEqual([
        'c-1',
        'c-2',
      ]);
    });
  });
});
