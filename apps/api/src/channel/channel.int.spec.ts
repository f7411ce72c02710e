import { channelStream, phoneNumberClaimStream, type ConnectAccount, type DomainError } from '@helpdesk/domain';
import { StoreUnavailableError, type EventStore } from '@helpdesk/event-store';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { failingAppends } from '../../../../test/support/failing-appends.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { AddPhoneNumberCommand, AddPhoneNumberHandler } from './add-phone-number.handler.js';
import { ConnectAccountCommand, ConnectAccountHandler } from './connect-account.handler.js';
import { DisconnectAccountCommand, DisconnectAccountHandler } from './disconnect-account.handler.js';
import { findChannelByDisplayNumber, findChannelByPhoneNumberId, loadChannel } from './find-channel-by-number.js';
import { RemovePhoneNumberCommand, RemovePhoneNumberHandler } from './remove-phone-number.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const portal = (portalId: string): CommandOrigin => ({
  portalId,
  actor: { kind: 'user', id: `admin-${portalId}` },
  correlationId: `req-${portalId}`,
});
const shared = { phoneNumberId: 'pn-shared', displayNumber: '+31 6 12345678' };
const account = (accountId: string, phoneNumbers: ConnectAccount['data']['phoneNumbers']): ConnectAccount['data'] => ({
  accountId,
  wabaId: `waba-${accountId}`,
  name: `Support ${accountId}`,
  timeZone: 'Europe/Amsterdam',
  accountType: 'business',
  businessVerified: true,
  phoneNumbers,
});

describe('Channel handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('channel-');
  const connect = (origin: CommandOrigin, data: ConnectAccount['data'], on: EventStore = stores.current) =>
    new ConnectAccountHandler(on, clock).execute(new ConnectAccountCommand(origin, data));
  const disconnect = (origin: CommandOrigin, accountId: string) =>
    new DisconnectAccountHandler(stores.current, clock).execute(new DisconnectAccountCommand(origin, { accountId }));

  it('connects an account whose numbers are then found by display number and by Meta id', async () => {
    await connect(portal('a'), account('acc-a', [shared]));

    const byNumber = await findChannelByDisplayNumber(stores.current, '+31612345678');
    expect(byNumber).toMatchObject({ portalId: 'a', accountId: 'acc-a', phoneNumberId: 'pn-shared', channel: { status: 'Connected' } });
    await expect(findChannelByDisplayNumber(stores.current, '31612345678')).resolves.toEqual(byNumber);
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toEqual(byNumber);
    await expect(findChannelByDisplayNumber(stores.current, '+31687654321')).resolves.toBeNull();
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-unknown')).resolves.toBeNull();
    const [claimed] = await eventsOf(stores.current, phoneNumberClaimStream('+31612345678'));
    expect(claimed.metadata).toMatchObject({ tenantId: 'a', actorId: 'user:admin-a', correlationId: 'req-a', command: 'ClaimPhoneNumber' });
  });

  it('lets exactly one of two portals claim a number both connect at once', async () => {
    const outcomes = await Promise.allSettled([
      connect(portal('a'), account('acc-a', [shared])),
      connect(portal('b'), account('acc-b', [{ ...shared, phoneNumberId: 'pn-b' }])),
    ]);

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as DomainError] : []));
    expect(winners).toHaveLength(1);
    expect(losers.map((error) => error.code)).toEqual(['PHONE_NUMBER_ALREADY_CLAIMED']);
    expect(losers[0].message).toMatch(/disconnect it there first/);
    const winner = (await findChannelByDisplayNumber(stores.current, '+31612345678'))!;
    const loserAccount = winner.accountId === 'acc-a' ? 'acc-b' : 'acc-a';
    expect(await eventsOf(stores.current, channelStream(loserAccount))).toEqual([]);
    const claims = await eventsOf(stores.current, phoneNumberClaimStream('+31612345678'));
    expect(claims.map((event) => event.type)).toEqual(['PhoneNumberClaimed']);
  });

  it('lets exactly one of two connected accounts add a number at once', async () => {
    await connect(portal('a'), account('acc-a', []));
    await connect(portal('b'), account('acc-b', []));
    const add = (portalId: string, accountId: string) =>
      new AddPhoneNumberHandler(stores.current, clock).execute(new AddPhoneNumberCommand(portal(portalId), { accountId, ...shared }));

    const outcomes = await Promise.allSettled([add('a', 'acc-a'), add('b', 'acc-b')]);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const channels = await Promise.all([loadChannel(stores.current, 'acc-a'), loadChannel(stores.current, 'acc-b')]);
    const numbersListed = channels.map((channel) => (channel.status === 'Connected' ? channel.phoneNumbers.length : 0));
    expect(numbersListed.sort()).toEqual([0, 1]);
  });

  it('releases a number on disconnect, so another portal can connect it', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    expect((await refusalOf(connect(portal('b'), account('acc-b', [shared])))).code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');

    await disconnect(portal('a'), 'acc-a');
    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toBeNull();
    await connect(portal('b'), account('acc-b', [shared]));

    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({ portalId: 'b', accountId: 'acc-b' });
  });

  it("refuses another portal's disconnection and keeps the claim", async () => {
    await connect(portal('a'), account('acc-a', [shared]));

    expect((await refusalOf(disconnect(portal('b'), 'acc-a'))).code).toBe('NOT_ALLOWED');
    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({ accountId: 'acc-a' });
  });

  it('releases a removed number', async () => {
    await connect(portal('a'), account('acc-a', [shared, { phoneNumberId: 'pn-2', displayNumber: '+31687654321' }]));

    const channel = await new RemovePhoneNumberHandler(stores.current, clock).execute(
      new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: '+31 6 12345678' }),
    );

    expect(channel).toMatchObject({ status: 'Connected', phoneNumbers: [{ displayNumber: '+31687654321' }] });
    await connect(portal('b'), account('acc-b', [shared]));
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({ portalId: 'b', accountId: 'acc-b' });
  });

  it('releases the numbers it claimed when a later one is already taken', async () => {
    await connect(portal('b'), account('acc-b', [{ phoneNumberId: 'pn-9', displayNumber: '+31699999999' }]));

    const refusal = await refusalOf(connect(portal('a'), account('acc-a', [shared, { phoneNumberId: 'pn-9', displayNumber: '+31699999999' }])));

    expect(refusal.code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
    const claimHistory = await eventsOf(stores.current, phoneNumberClaimStream('+31612345678'));
    expect(claimHistory.map((event) => event.type)).toEqual(['PhoneNumberClaimed', 'PhoneNumberReleased']);
    await connect(portal('c'), account('acc-c', [shared]));
  });

  it('releases its claims when the account cannot be written', async () => {
    const accountWritesFail = failingAppends(stores.current, 'whatsapp-account-');

    await expect(connect(portal('a'), account('acc-a', [shared]), accountWritesFail)).rejects.toBeInstanceOf(StoreUnavailableError);

    expect(await eventsOf(stores.current, channelStream('acc-a'))).toEqual([]);
    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('releases, on a retried removal, the claim a crashed removal left behind', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    const remove = (on: EventStore) =>
      new RemovePhoneNumberHandler(on, clock).execute(
        new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: shared.displayNumber }),
      );
    await expect(remove(failingAppends(stores.current, 'phone-number-'))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await refusalOf(connect(portal('b'), account('acc-b', [shared])))).code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');

    expect((await refusalOf(remove(stores.current))).code).toBe('PHONE_NUMBER_NOT_ON_CHANNEL');

    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('releases, on a retried disconnection, the claims a crashed one left behind', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    const disconnectOn = (on: EventStore) =>
      new DisconnectAccountHandler(on, clock).execute(new DisconnectAccountCommand(portal('a'), { accountId: 'acc-a' }));
    await expect(disconnectOn(failingAppends(stores.current, 'phone-number-'))).rejects.toBeInstanceOf(StoreUnavailableError);

    await expect(disconnectOn(stores.current)).resolves.toMatchObject({ status: 'Disconnected', releasedPhoneNumbers: ['+31612345678'] });

    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('connects a disconnected account again, from the new connection time', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    await disconnect(portal('a'), 'acc-a');
    const later = { now: () => new Date('2025-04-01T08:00:00.000Z') };

    await new ConnectAccountHandler(stores.current, later).execute(new ConnectAccountCommand(portal('a'), account('acc-a', [shared])));

    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({
      channel: { connectedAt: '2025-04-01T08:00:00.000Z' },
    });
  });
});
