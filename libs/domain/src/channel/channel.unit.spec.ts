import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import type { ChannelCommand, ConnectAccount, PhoneNumberInput, PhoneNumberOwnership } from './channel.commands.js';
import type { AccountConnected, AccountDisconnected, PhoneNumberAdded } from './channel.events.js';
import { channelDecider, numberConnectedAt } from './index.js';

const spec = specificationFor(channelDecider);
const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const earlier = '2025-01-01T00:00:00.000Z';
const context = (portalId = 'portal-a'): CommandContext => ({ portalId, actor: { kind: 'user', id: 'u-1' }, now });
const accountId = 'acc-1';
const profile = {
  accountId,
  wabaId: 'waba-1',
  name: 'Support NL',
  timeZone: 'Europe/Amsterdam',
  businessVerified: false,
};

/** Distinct Dutch mobile numbers: +3161000000n. */
const numberInput = (n: number): PhoneNumberInput => ({
  phoneNumberId: `pn-${n}`,
  displayNumber: `+3161${String(n).padStart(7, '0')}`,
});
const numbers = (count: number) => Array.from({ length: count }, (_, i) => numberInput(i + 1));

const notChecked: PhoneNumberOwnership = { checkedWith: 'not-checked' };
/** What Meta answers for waba-1: it holds these numbers. */
const metaLists = (...held: PhoneNumberInput[]): PhoneNumberOwnership => ({
  checkedWith: 'graph-api',
  wabaId: 'waba-1',
  found: true,
  phoneNumbers: held,
});
const connect = (data: Partial<ConnectAccount['data']> = {}, portalId = 'portal-a'): ChannelCommand => ({
  type: 'ConnectAccount',
  data: { ...profile, accountType: 'business', phoneNumbers: [], ownership: notChecked, ...data },
  context: context(portalId),
});
const command = <T extends Exclude<ChannelCommand['type'], 'ConnectAccount'>>(
  type: T,
  data: object = {},
  portalId = 'portal-a',
) =>
  ({
    type,
    data: { accountId, ...(type === 'AddPhoneNumber' && { ownership: notChecked }), ...data },
    context: context(portalId),
  }) as ChannelCommand;

const connected: AccountConnected = {
  type: 'AccountConnected',
  data: { ...profile, portalId: 'portal-a', connectedAt: earlier },
};
const added = (n: number): PhoneNumberAdded => ({
  type: 'PhoneNumberAdded',
  data: { accountId, ...numberInput(n), addedAt: earlier },
});
const addedNumbers = (count: number) => Array.from({ length: count }, (_, i) => added(i + 1));
const disconnected: AccountDisconnected = {
  type: 'AccountDisconnected',
  data: { accountId, releasedPhoneNumbers: ['+31610000001'], disconnectedAt: earlier },
};

describe('Channel', () => {
  describe('When never connected', () => {
    it('connects a business account with its numbers, normalised to E.164', () => {
      spec
        .given([])
        .when(connect({ phoneNumbers: [{ phoneNumberId: 'pn-1', displayNumber: '+31 6 1000 0001' }] }))
        .then([
          { ...connected, data: { ...connected.data, connectedAt: at } },
          {
            type: 'PhoneNumberAdded',
            data: {
              accountId,
              phoneNumberId: 'pn-1',
              displayNumber: '+31610000001',
              addedAt: at,
              ownershipCheckedWith: 'not-checked',
            },
          },
        ]);
    });

    it('refuses a personal account', () => {
      spec
        .given([])
        .when(connect({ accountType: 'personal' }))
        .thenRefuses('PERSONAL_ACCOUNT_NOT_ALLOWED', /business/i);
    });

    it('refuses a time zone that is not IANA', () => {
      spec
        .given([])
        .when(connect({ timeZone: 'Mars/Olympus' }))
        .thenRefuses('INVALID_TIME_ZONE');
    });

    it('refuses a blank name', () => {
      spec
        .given([])
        .when(connect({ name: '  ' }))
        .thenRefuses('INVALID_COMMAND');
    });

    it('accepts 25 numbers and refuses 26', () => {
      expect(
        spec
          .given([])
          .when(connect({ phoneNumbers: numbers(25) }))
          .events(),
      ).toHaveLength(26);
      spec
        .given([])
        .when(connect({ phoneNumbers: numbers(26) }))
        .thenRefuses('TOO_MANY_PHONE_NUMBERS', /25/);
    });

    it('refuses a number listed twice, even spelled differently', () => {
      const twice = [numberInput(1), { phoneNumberId: 'pn-9', displayNumber: '+31 6 1000 0001' }];
      spec
        .given([])
        .when(connect({ phoneNumbers: twice }))
        .thenRefuses('INVALID_COMMAND');
    });

    it('refuses a number that is not a phone number', () => {
      spec
        .given([])
        .when(connect({ phoneNumbers: [{ phoneNumberId: 'pn-1', displayNumber: 'twelve' }] }))
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it.each(['AddPhoneNumber', 'RemovePhoneNumber', 'MarkBusinessVerified', 'DisconnectAccount'] as const)(
      'refuses %s',
      (type) => {
        spec
          .given([])
          .when(command(type, numberInput(1)))
          .thenRefuses('CHANNEL_NOT_CONNECTED');
      },
    );

    it('refuses a reconnection of an account it never had', () => {
      spec
        .given([])
        .when(connect({ reconnect: true }))
        .thenRefuses('CHANNEL_NOT_CONNECTED', /never connected to this portal/);
    });
  });

  describe("Meta's word on who holds the numbers", () => {
    const pn1 = numberInput(1);

    it('connects when Meta lists every number under this WABA with the same id, compared in E.164', () => {
      const asGiven = { phoneNumberId: 'pn-1', displayNumber: '+31 6 1000 0001' };
      const events = spec
        .given([])
        .when(connect({ phoneNumbers: [asGiven], ownership: metaLists(pn1, numberInput(2)) }))
        .events();
      expect(events).toHaveLength(2);
      // Whoever audits the account sees that Meta was asked.
      expect(events[1]).toMatchObject({ type: 'PhoneNumberAdded', data: { ownershipCheckedWith: 'graph-api' } });
    });

    it('refuses a number Meta does not list under this WABA', () => {
      spec
        .given([])
        .when(connect({ phoneNumbers: [pn1], ownership: metaLists(numberInput(2)) }))
        .thenRefuses('OWNERSHIP_NOT_VERIFIED', /Meta does not list \+31610000001/);
    });

    it("refuses another account's phone_number_id under a fresh display number", () => {
      const squatted = { phoneNumberId: 'pn-of-another-waba', displayNumber: pn1.displayNumber };
      spec
        .given([])
        .when(connect({ phoneNumbers: [squatted], ownership: metaLists(pn1) }))
        .thenRefuses('OWNERSHIP_NOT_VERIFIED', /pn-of-another-waba/);
    });

    it('refuses a WABA Meta does not show to this service, even with no numbers', () => {
      const unknown: PhoneNumberOwnership = {
        checkedWith: 'graph-api',
        wabaId: 'waba-1',
        found: false,
        phoneNumbers: [],
      };
      spec
        .given([])
        .when(connect({ ownership: unknown }))
        .thenRefuses('OWNERSHIP_NOT_VERIFIED', /waba-1/);
    });

    it("refuses an answer about another WABA than the account's", () => {
      const aboutAnother: PhoneNumberOwnership = {
        checkedWith: 'graph-api',
        wabaId: 'waba-2',
        found: true,
        phoneNumbers: [pn1],
      };
      spec
        .given([])
        .when(connect({ phoneNumbers: [pn1], ownership: aboutAnother }))
        .thenRefuses('OWNERSHIP_NOT_VERIFIED');
    });

    it("adds a number only if Meta lists it under the account's WABA", () => {
      const history = [connected, added(1)];
      expect(
        spec
          .given(history)
          .when(command('AddPhoneNumber', { ...numberInput(2), ownership: metaLists(pn1, numberInput(2)) }))
          .events(),
      ).toHaveLength(1);
      spec
        .given(history)
        .when(command('AddPhoneNumber', { ...numberInput(2), ownership: metaLists(pn1) }))
        .thenRefuses('OWNERSHIP_NOT_VERIFIED');
    });
  });

  describe('When connected', () => {
    const history = [connected, added(1)];

    it('refuses connecting again', () => {
      spec.given(history).when(connect()).thenRefuses('CHANNEL_ALREADY_CONNECTED');
    });

    it.each([
      ['AddPhoneNumber', command('AddPhoneNumber', numberInput(2), 'portal-b')],
      ['RemovePhoneNumber', command('RemovePhoneNumber', numberInput(1), 'portal-b')],
      ['MarkBusinessVerified', command('MarkBusinessVerified', {}, 'portal-b')],
      ['DisconnectAccount', command('DisconnectAccount', {}, 'portal-b')],
      ['ConnectAccount (a reconnection)', connect({ reconnect: true }, 'portal-b')],
    ])('refuses %s from another portal exactly as for an account it never had', (_type, fromOtherPortal) => {
      const refusal = spec.given(history).when(fromOtherPortal).thenRefuses('CHANNEL_NOT_CONNECTED');
      const unknown = spec.given([]).when(fromOtherPortal).thenRefuses('CHANNEL_NOT_CONNECTED');
      expect(refusal.message).toBe(unknown.message);
      expect(refusal.message).not.toMatch(/portal-a|another portal/);
    });

    it('refuses a new connection under an account id that is taken, without naming who took it', () => {
      spec
        .given(history)
        .when(connect({}, 'portal-b'))
        .thenRefuses('ACCOUNT_ALREADY_CLAIMED', /^((?!portal-a).)*$/);
    });

    it('adds a number', () => {
      spec
        .given(history)
        .when(command('AddPhoneNumber', numberInput(2)))
        .then([{ ...added(2), data: { ...added(2).data, addedAt: at, ownershipCheckedWith: 'not-checked' } }]);
    });

    it('adds the same number with the same id only once', () => {
      spec
        .given(history)
        .when(command('AddPhoneNumber', numberInput(1)))
        .thenNothingHappens();
    });

    it('refuses a number already there under another id', () => {
      spec
        .given(history)
        .when(command('AddPhoneNumber', { ...numberInput(1), phoneNumberId: 'pn-x' }))
        .thenRefuses('INVALID_COMMAND');
    });

    it('accepts the 25th number and refuses the 26th', () => {
      expect(
        spec
          .given([connected, ...addedNumbers(24)])
          .when(command('AddPhoneNumber', numberInput(25)))
          .events(),
      ).toHaveLength(1);
      spec
        .given([connected, ...addedNumbers(25)])
        .when(command('AddPhoneNumber', numberInput(26)))
        .thenRefuses('TOO_MANY_PHONE_NUMBERS');
    });

    it('removes a number, given in any spelling', () => {
      spec
        .given(history)
        .when(command('RemovePhoneNumber', { displayNumber: '+31 6 1000 0001' }))
        .then([{ type: 'PhoneNumberRemoved', data: { accountId, ...numberInput(1), removedAt: at } }]);
    });

    it('makes room for another number after a removal', () => {
      const removed = {
        type: 'PhoneNumberRemoved',
        data: { accountId, ...numberInput(1), removedAt: earlier },
      } as const;
      expect(
        spec
          .given([connected, ...addedNumbers(25), removed])
          .when(command('AddPhoneNumber', numberInput(26)))
          .events(),
      ).toHaveLength(1);
    });

    it('refuses removing a number it does not have', () => {
      spec
        .given(history)
        .when(command('RemovePhoneNumber', numberInput(2)))
        .thenRefuses('PHONE_NUMBER_NOT_ON_CHANNEL');
    });

    it('marks the business verified once', () => {
      spec
        .given(history)
        .when(command('MarkBusinessVerified'))
        .then([{ type: 'BusinessVerified', data: { accountId, verifiedAt: at } }]);
      const verified = { type: 'BusinessVerified', data: { accountId, verifiedAt: earlier } } as const;
      spec
        .given([...history, verified])
        .when(command('MarkBusinessVerified'))
        .thenNothingHappens();
    });

    it('disconnects, releasing its numbers', () => {
      spec
        .given([...history, added(2)])
        .when(command('DisconnectAccount'))
        .then([
          {
            type: 'AccountDisconnected',
            data: { accountId, releasedPhoneNumbers: ['+31610000001', '+31610000002'], disconnectedAt: at },
          },
        ]);
    });
  });

  describe('When disconnected', () => {
    const history = [connected, added(1), disconnected];

    it('connects again from now on: history before the new connection is not imported', () => {
      expect(
        spec
          .given(history)
          .when(connect({ phoneNumbers: [numberInput(1)] }))
          .events(),
      ).toEqual([
        { ...connected, data: { ...connected.data, connectedAt: at } },
        { ...added(1), data: { ...added(1).data, addedAt: at, ownershipCheckedWith: 'not-checked' } },
      ]);
    });

    it("refuses another portal's connection", () => {
      spec.given(history).when(connect({}, 'portal-b')).thenRefuses('ACCOUNT_ALREADY_CLAIMED');
      const reconnection = spec
        .given(history)
        .when(connect({ reconnect: true }, 'portal-b'))
        .thenRefuses('CHANNEL_NOT_CONNECTED');
      expect(reconnection.message).toBe(
        spec
          .given([])
          .when(connect({ reconnect: true }, 'portal-b'))
          .thenRefuses('CHANNEL_NOT_CONNECTED').message,
      );
    });

    it('is reconnected by its own portal', () => {
      expect(
        spec
          .given(history)
          .when(connect({ reconnect: true }))
          .events()[0],
      ).toMatchObject({ type: 'AccountConnected' });
    });

    it('disconnecting again is a no-op', () => {
      spec.given(history).when(command('DisconnectAccount')).thenNothingHappens();
    });

    it.each(['AddPhoneNumber', 'RemovePhoneNumber', 'MarkBusinessVerified'] as const)('refuses %s', (type) => {
      spec
        .given(history)
        .when(command(type, numberInput(1)))
        .thenRefuses('CHANNEL_NOT_CONNECTED');
    });
  });
});

describe('when a number was connected', () => {
  const connectedAt = '2025-02-01T00:00:00.000Z';
  const channel = (addedAt: string) => {
    const state = [
      { ...connected, data: { ...connected.data, connectedAt } },
      { ...added(1), data: { ...added(1).data, addedAt } },
    ].reduce(channelDecider.evolve, channelDecider.initialState);
    if (state.status !== 'Connected') throw new Error('expected a connected channel');
    return { state, number: state.phoneNumbers[0]! };
  };

  it('is when it was added to the account, if the account was connected before', () => {
    const { state, number } = channel('2025-02-10T00:00:00.000Z');
    expect(numberConnectedAt(state, number)).toBe('2025-02-10T00:00:00.000Z');
  });

  it("is the account's connection for numbers connected with it", () => {
    const { state, number } = channel(connectedAt);
    expect(numberConnectedAt(state, number)).toBe(connectedAt);
  });
});
