import { DEFAULT_GRAPH_API_VERSION } from '@helpdesk/config';
import {
  StreamCategory,
  channelStreamName,
  phoneNumberClaimStreamName,
  phoneNumberIdStreamName,
  streamPrefix,
  wabaClaimStreamName,
  type DomainError,
} from '@helpdesk/domain';
import { StoreUnavailableError, type EventStore } from '@helpdesk/event-store';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { failingAppends } from '../../../../test/support/failing-appends.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { AddPhoneNumberCommand, AddPhoneNumberHandler } from './add-phone-number.handler.js';
import { FakeGraphApi, graphErrors } from '@helpdesk/fake-graph-api';
import { ConnectAccountCommand, ConnectAccountHandler } from './connect-account.handler.js';
import { DisconnectAccountCommand, DisconnectAccountHandler } from './disconnect-account.handler.js';
import { findChannelByDisplayNumber, findChannelByPhoneNumberId, loadChannel } from './find-channel-by-number.js';
import { MarkBusinessVerifiedCommand, MarkBusinessVerifiedHandler } from './mark-business-verified.handler.js';
import {
  GraphApiOwnershipCheck,
  ownershipCheckFor,
  ownershipNotChecked,
  type PhoneNumberOwnershipCheck,
} from './phone-number-ownership.js';
import { RemovePhoneNumberCommand, RemovePhoneNumberHandler } from './remove-phone-number.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const portal = (portalId: string): CommandOrigin => ({
  portalId,
  actor: { kind: 'user', id: `admin-${portalId}` },
  correlationId: `req-${portalId}`,
});
const shared = { phoneNumberId: 'pn-shared', displayNumber: '+31 6 12345678' };
type Connection = ConnectAccountCommand['data'];
const account = (accountId: string, phoneNumbers: Connection['phoneNumbers']): Connection => ({
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
  const connect = (origin: CommandOrigin, data: Connection, on: EventStore = stores.current) =>
    new ConnectAccountHandler(on, clock, ownershipNotChecked).execute(new ConnectAccountCommand(origin, data));
  /** Writes to the number claims and to the `phone_number_id` claims fail. */
  const claimWritesFail = () =>
    failingAppends(
      failingAppends(stores.current, streamPrefix(StreamCategory.phoneNumberClaim)),
      streamPrefix(StreamCategory.phoneNumberIdClaim),
    );
  const disconnect = (origin: CommandOrigin, accountId: string) =>
    new DisconnectAccountHandler(stores.current, clock).execute(new DisconnectAccountCommand(origin, { accountId }));

  it('connects an account whose numbers are then found by display number and by Meta id', async () => {
    await connect(portal('a'), account('acc-a', [shared]));

    const byNumber = await findChannelByDisplayNumber(stores.current, '+31612345678');
    expect(byNumber).toMatchObject({
      portalId: 'a',
      accountId: 'acc-a',
      phoneNumberId: 'pn-shared',
      channel: { status: 'Connected' },
    });
    await expect(findChannelByDisplayNumber(stores.current, '31612345678')).resolves.toEqual(byNumber);
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toEqual(byNumber);
    await expect(findChannelByDisplayNumber(stores.current, '+31687654321')).resolves.toBeNull();
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-unknown')).resolves.toBeNull();
    const [claimed] = await eventsOf(stores.current, phoneNumberClaimStreamName('+31612345678'));
    expect(claimed.metadata).toMatchObject({
      tenantId: 'a',
      actorId: 'user:admin-a',
      correlationId: 'req-a',
      command: 'ClaimPhoneNumber',
    });
  });

  it('lets exactly one of two portals claim a number both connect at once', async () => {
    const outcomes = await Promise.allSettled([
      connect(portal('a'), account('acc-a', [shared])),
      connect(portal('b'), account('acc-b', [{ ...shared, phoneNumberId: 'pn-b' }])),
    ]);

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as DomainError] : [],
    );
    expect(winners).toHaveLength(1);
    expect(losers.map((error) => error.code)).toEqual(['PHONE_NUMBER_ALREADY_CLAIMED']);
    expect(losers[0].message).toMatch(/disconnect it there first/);
    const winner = (await findChannelByDisplayNumber(stores.current, '+31612345678'))!;
    const loserAccount = winner.accountId === 'acc-a' ? 'acc-b' : 'acc-a';
    expect(await eventsOf(stores.current, channelStreamName(loserAccount))).toEqual([]);
    const claims = await eventsOf(stores.current, phoneNumberClaimStreamName('+31612345678'));
    expect(claims.map((event) => event.type)).toEqual(['PhoneNumberClaimed']);
  });

  it('lets exactly one of two connected accounts add a number at once', async () => {
    await connect(portal('a'), account('acc-a', []));
    await connect(portal('b'), account('acc-b', []));
    const add = (portalId: string, accountId: string) =>
      new AddPhoneNumberHandler(stores.current, clock, ownershipNotChecked).execute(
        new AddPhoneNumberCommand(portal(portalId), { accountId, ...shared }),
      );

    const outcomes = await Promise.allSettled([add('a', 'acc-a'), add('b', 'acc-b')]);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const channels = await Promise.all([loadChannel(stores.current, 'acc-a'), loadChannel(stores.current, 'acc-b')]);
    const numbersListed = channels.map((channel) => (channel.status === 'Connected' ? channel.phoneNumbers.length : 0));
    expect(numbersListed.sort()).toEqual([0, 1]);
  });

  it('releases a number on disconnect, so another portal can connect it', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    expect((await refusalOf(connect(portal('b'), account('acc-b', [shared])))).code).toBe(
      'PHONE_NUMBER_ALREADY_CLAIMED',
    );

    await disconnect(portal('a'), 'acc-a');
    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toBeNull();
    await connect(portal('b'), account('acc-b', [shared]));

    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({
      portalId: 'b',
      accountId: 'acc-b',
    });
  });

  it("refuses another portal's disconnection exactly as an unknown account's, and keeps the claims", async () => {
    await connect(portal('a'), account('acc-a', [shared]));

    const elsewhere = await refusalOf(disconnect(portal('b'), 'acc-a'));
    const unknown = await refusalOf(disconnect(portal('b'), 'acc-unknown'));
    expect({ code: elsewhere.code, message: elsewhere.message }).toEqual({
      code: 'CHANNEL_NOT_CONNECTED',
      message: unknown.message.replace('acc-unknown', 'acc-a'),
    });
    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({
      accountId: 'acc-a',
    });
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({
      accountId: 'acc-a',
    });
  });

  it('releases a removed number', async () => {
    await connect(portal('a'), account('acc-a', [shared, { phoneNumberId: 'pn-2', displayNumber: '+31687654321' }]));

    const channel = await new RemovePhoneNumberHandler(stores.current, clock).execute(
      new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: '+31 6 12345678' }),
    );

    expect(channel).toMatchObject({ status: 'Connected', phoneNumbers: [{ displayNumber: '+31687654321' }] });
    await connect(portal('b'), account('acc-b', [shared]));
    await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({
      portalId: 'b',
      accountId: 'acc-b',
    });
  });

  it('releases the numbers it claimed when a later one is already taken', async () => {
    await connect(portal('b'), account('acc-b', [{ phoneNumberId: 'pn-9', displayNumber: '+31699999999' }]));

    const refusal = await refusalOf(
      connect(portal('a'), account('acc-a', [shared, { phoneNumberId: 'pn-9', displayNumber: '+31699999999' }])),
    );

    expect(refusal.code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
    const claimHistory = await eventsOf(stores.current, phoneNumberClaimStreamName('+31612345678'));
    expect(claimHistory.map((event) => event.type)).toEqual(['PhoneNumberClaimed', 'PhoneNumberReleased']);
    await connect(portal('c'), account('acc-c', [shared]));
  });

  it('releases its claims when the account cannot be written', async () => {
    const accountWritesFail = failingAppends(stores.current, streamPrefix(StreamCategory.channel));

    await expect(connect(portal('a'), account('acc-a', [shared]), accountWritesFail)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    expect(await eventsOf(stores.current, channelStreamName('acc-a'))).toEqual([]);
    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('releases, on a retried removal, the claim a crashed removal left behind', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    const remove = (on: EventStore) =>
      new RemovePhoneNumberHandler(on, clock).execute(
        new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: shared.displayNumber }),
      );
    await expect(remove(claimWritesFail())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await refusalOf(connect(portal('b'), account('acc-b', [shared])))).code).toBe(
      'PHONE_NUMBER_ALREADY_CLAIMED',
    );

    expect((await refusalOf(remove(stores.current))).code).toBe('PHONE_NUMBER_NOT_ON_CHANNEL');

    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('releases, on a retried disconnection, the claims a crashed one left behind', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    const disconnectOn = (on: EventStore) =>
      new DisconnectAccountHandler(on, clock).execute(
        new DisconnectAccountCommand(portal('a'), { accountId: 'acc-a' }),
      );
    await expect(disconnectOn(claimWritesFail())).rejects.toBeInstanceOf(StoreUnavailableError);

    await expect(disconnectOn(stores.current)).resolves.toMatchObject({
      status: 'Disconnected',
      releasedPhoneNumbers: ['+31612345678'],
    });

    await connect(portal('b'), account('acc-b', [shared]));
  });

  it('connects a disconnected account again, from the new connection time', async () => {
    await connect(portal('a'), account('acc-a', [shared]));
    await disconnect(portal('a'), 'acc-a');
    const later = { now: () => new Date('2025-04-01T08:00:00.000Z') };

    await new ConnectAccountHandler(stores.current, later, ownershipNotChecked).execute(
      new ConnectAccountCommand(portal('a'), account('acc-a', [shared])),
    );

    await expect(findChannelByDisplayNumber(stores.current, '+31612345678')).resolves.toMatchObject({
      channel: { connectedAt: '2025-04-01T08:00:00.000Z' },
    });
  });

  describe('claims of every external id', () => {
    const fresh = { phoneNumberId: 'pn-b-own', displayNumber: '+31 6 87654321' };
    const streamsOfA = [
      channelStreamName('acc-a'),
      phoneNumberClaimStreamName('+31612345678'),
      phoneNumberIdStreamName('pn-shared'),
      wabaClaimStreamName('waba-acc-a'),
    ];
    const historyOf = (streams: readonly string[]) =>
      Promise.all(streams.map((stream) => eventsOf(stores.current, stream)));
    const addTo = (
      origin: CommandOrigin,
      accountId: string,
      number: { phoneNumberId: string; displayNumber: string },
    ) =>
      new AddPhoneNumberHandler(stores.current, clock, ownershipNotChecked).execute(
        new AddPhoneNumberCommand(origin, { accountId, ...number }),
      );

    it("never moves another account's phone_number_id to an account that lists it under a fresh display number", async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      const before = await historyOf(streamsOfA);

      const connecting = await refusalOf(
        connect(portal('b'), account('acc-b', [{ ...fresh, phoneNumberId: 'pn-shared' }])),
      );
      await connect(portal('b'), account('acc-b2', []));
      const adding = await refusalOf(addTo(portal('b'), 'acc-b2', { ...fresh, phoneNumberId: 'pn-shared' }));

      expect([connecting.code, adding.code]).toEqual(['PHONE_NUMBER_ALREADY_CLAIMED', 'PHONE_NUMBER_ALREADY_CLAIMED']);
      expect(adding.message).toBe(connecting.message);
      expect(adding.message).not.toMatch(/acc-a|portal|\ba\b/);
      expect(await historyOf(streamsOfA)).toEqual(before);
      await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({
        portalId: 'a',
        accountId: 'acc-a',
      });
      // The fresh number B claimed on the way was given back, and B's accounts list nothing.
      const freshClaims = await eventsOf(stores.current, phoneNumberClaimStreamName('+31687654321'));
      expect(freshClaims.map((event) => event.type)).toEqual([
        'PhoneNumberClaimed',
        'PhoneNumberReleased',
        'PhoneNumberClaimed',
        'PhoneNumberReleased',
      ]);
      expect(await eventsOf(stores.current, channelStreamName('acc-b'))).toEqual([]);
      expect(await loadChannel(stores.current, 'acc-b2')).toMatchObject({ status: 'Connected', phoneNumbers: [] });
    });

    it('refuses a WABA id another account holds, until that account is disconnected', async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      const squat = { ...account('acc-b', [fresh]), wabaId: 'waba-acc-a' };

      const refusal = await refusalOf(connect(portal('b'), squat));
      const samePortal = await refusalOf(connect(portal('a'), { ...squat, accountId: 'acc-a2' }));

      expect(refusal.code).toBe('ACCOUNT_ALREADY_CLAIMED');
      expect(samePortal.message).toBe(refusal.message);
      expect(await eventsOf(stores.current, channelStreamName('acc-b'))).toEqual([]);
      expect((await eventsOf(stores.current, wabaClaimStreamName('waba-acc-a'))).map((event) => event.type)).toEqual([
        'WabaClaimed',
      ]);
      await disconnect(portal('a'), 'acc-a');
      expect((await eventsOf(stores.current, wabaClaimStreamName('waba-acc-a'))).map((event) => event.type)).toEqual([
        'WabaClaimed',
        'WabaReleased',
      ]);
      await expect(connect(portal('b'), squat)).resolves.toMatchObject({ status: 'Connected', portalId: 'b' });
    });

    it('releases the phone_number_id with its number, on removal and on disconnection', async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      await new RemovePhoneNumberHandler(stores.current, clock).execute(
        new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: shared.displayNumber }),
      );
      await connect(portal('b'), account('acc-b', [shared]));
      await disconnect(portal('b'), 'acc-b');

      const idClaims = await eventsOf(stores.current, phoneNumberIdStreamName('pn-shared'));
      expect(idClaims.map((event) => [event.type, (event.data as { portalId: string }).portalId])).toEqual([
        ['PhoneNumberIdClaimed', 'a'],
        ['PhoneNumberIdReleased', 'a'],
        ['PhoneNumberIdClaimed', 'b'],
        ['PhoneNumberIdReleased', 'b'],
      ]);
      await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toBeNull();
    });

    it('gives exactly one of two portals connecting the same WABA and number at once everything, the other nothing', async () => {
      const same = (accountId: string) => ({ ...account(accountId, [shared]), wabaId: 'waba-contested' });
      const outcomes = await Promise.allSettled([
        connect(portal('a'), same('acc-a')),
        connect(portal('b'), same('acc-b')),
      ]);

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const [loser] = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason as DomainError] : [],
      );
      expect(['PHONE_NUMBER_ALREADY_CLAIMED', 'ACCOUNT_ALREADY_CLAIMED']).toContain(loser.code);
      const winner = (await findChannelByPhoneNumberId(stores.current, 'pn-shared'))!;
      const losing = winner.accountId === 'acc-a' ? 'acc-b' : 'acc-a';
      expect(await eventsOf(stores.current, channelStreamName(losing))).toEqual([]);
      for (const stream of [
        phoneNumberClaimStreamName('+31612345678'),
        phoneNumberIdStreamName('pn-shared'),
        wabaClaimStreamName('waba-contested'),
      ]) {
        const held = (await eventsOf(stores.current, stream)).filter((event) => event.type.endsWith('Claimed'));
        const released = (await eventsOf(stores.current, stream)).filter((event) => event.type.endsWith('Released'));
        // Only the winner holds it now: the loser's claims, if any, were given back.
        expect(held.length - released.length).toBe(1);
        expect(held.at(-1)?.data).toMatchObject({ accountId: winner.accountId });
      }
    });

    it('routes by phone_number_id only along a live claim, whatever an old index entry says', async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      await connect(portal('b'), account('acc-b', [fresh]));
      // What the old code let B write: the id re-pointed at B's display number.
      await stores.current.append(phoneNumberIdStreamName('pn-shared'), [
        {
          id: '7c7f1f1e-9d6c-4a55-9b53-2b0c8f6f7a01',
          type: 'PhoneNumberIdLinked',
          data: { phoneNumberId: 'pn-shared', phoneNumber: '+31687654321' },
        },
      ]);

      await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({
        portalId: 'a',
        accountId: 'acc-a',
      });
      await expect(findChannelByPhoneNumberId(stores.current, 'pn-b-own')).resolves.toMatchObject({ portalId: 'b' });
    });

    it("answers another portal's account id exactly as an unknown one, for every channel command", async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      const b = portal('b');
      const commands: [string, (accountId: string) => Promise<unknown>][] = [
        ['add', (accountId) => addTo(b, accountId, fresh)],
        [
          'remove',
          (accountId) =>
            new RemovePhoneNumberHandler(stores.current, clock).execute(
              new RemovePhoneNumberCommand(b, { accountId, displayNumber: shared.displayNumber }),
            ),
        ],
        [
          'verify',
          (accountId) =>
            new MarkBusinessVerifiedHandler(stores.current, clock).execute(
              new MarkBusinessVerifiedCommand(b, { accountId }),
            ),
        ],
        ['disconnect', (accountId) => disconnect(b, accountId)],
        ['reconnect', (accountId) => connect(b, { ...account(accountId, []), reconnect: true })],
      ];
      for (const [name, run] of commands) {
        const elsewhere = await refusalOf(run('acc-a'));
        const unknown = await refusalOf(run('acc-zz'));
        expect({ name, code: elsewhere.code, message: elsewhere.message, details: elsewhere.details }).toEqual({
          name,
          code: 'CHANNEL_NOT_CONNECTED',
          message: unknown.message.replace('acc-zz', 'acc-a'),
          details: unknown.details,
        });
      }
      expect((await historyOf(streamsOfA))[0]).toHaveLength(2);
    });
  });

  describe("Meta's word on who holds a number", () => {
    const TOKEN = 'channel-int-access-token';
    let graph: FakeGraphApi;
    beforeAll(async () => {
      graph = await FakeGraphApi.start({ accessToken: TOKEN });
    });
    afterAll(() => graph.close());
    const meta = (): PhoneNumberOwnershipCheck =>
      new GraphApiOwnershipCheck({ apiUrl: graph.url, accessToken: TOKEN, timeoutMs: 2_000 });
    const connectChecked = (origin: CommandOrigin, data: Connection, check: PhoneNumberOwnershipCheck = meta()) =>
      new ConnectAccountHandler(stores.current, clock, check).execute(new ConnectAccountCommand(origin, data));
    const nothingRecorded = async () => {
      for await (const event of stores.current.readAll({ fromPosition: 'start' })) return event;
      return null;
    };

    it("connects the numbers Meta lists under the WABA, comparing Meta's formatted display numbers in E.164, page after page", async () => {
      const others = Array.from({ length: 120 }, (_, i) => ({
        id: `9${i}`,
        display_phone_number: `+1 555-01${String(i).padStart(2, '0')}-${1000 + i}`,
      }));
      graph.holdNumbers('waba-acc-a', [...others, { id: 'pn-shared', display_phone_number: '+31 6 1234 5678' }]);

      await expect(connectChecked(portal('a'), account('acc-a', [shared]))).resolves.toMatchObject({
        status: 'Connected',
      });

      const lookups = graph.phoneNumberLookups.slice(-2);
      expect(lookups.map((lookup) => lookup.path.split('?')[0])).toEqual([
        `/${DEFAULT_GRAPH_API_VERSION}/waba-acc-a/phone_numbers`,
        `/${DEFAULT_GRAPH_API_VERSION}/waba-acc-a/phone_numbers`,
      ]);
      expect(lookups.every((lookup) => lookup.authorization === `Bearer ${TOKEN}`)).toBe(true);
      await expect(findChannelByPhoneNumberId(stores.current, 'pn-shared')).resolves.toMatchObject({ portalId: 'a' });
    });

    it("refuses a number, or another WABA's phone_number_id, that Meta does not list under the WABA; nothing is recorded", async () => {
      graph.holdNumbers('waba-acc-b', [{ id: 'pn-b-own', display_phone_number: '+31 6 8765 4321' }]);

      const squatted = await refusalOf(
        connectChecked(
          portal('b'),
          account('acc-b', [{ phoneNumberId: 'pn-shared', displayNumber: '+31 6 87654321' }]),
        ),
      );
      const unlisted = await refusalOf(
        connectChecked(portal('b'), account('acc-b', [{ phoneNumberId: 'pn-b-2', displayNumber: '+31 6 11111111' }])),
      );

      expect([squatted.code, unlisted.code]).toEqual(['OWNERSHIP_NOT_VERIFIED', 'OWNERSHIP_NOT_VERIFIED']);
      expect(squatted.message).toMatch(
        /Meta does not list \+31687654321 with phone_number_id pn-shared under WhatsApp Business Account waba-acc-b/,
      );
      expect(await nothingRecorded()).toBeNull();
    });

    it('refuses a WABA Meta does not show this service (its error for an unknown object), even with no numbers', async () => {
      const refusal = await refusalOf(
        connectChecked(portal('b'), { ...account('acc-b', []), wabaId: 'waba-nobody-shared' }),
      );

      expect(refusal.code).toBe('OWNERSHIP_NOT_VERIFIED');
      expect(await nothingRecorded()).toBeNull();
    });

    it('checks an added number against the WABA of the account, and refuses one Meta lists elsewhere', async () => {
      graph.holdNumbers('waba-acc-a', [{ id: 'pn-shared', display_phone_number: '+31612345678' }]);
      graph.holdNumbers('waba-acc-b', [{ id: 'pn-b-own', display_phone_number: '+31 6 8765 4321' }]);
      await connectChecked(portal('a'), account('acc-a', [shared]));
      const add = (number: { phoneNumberId: string; displayNumber: string }) =>
        new AddPhoneNumberHandler(stores.current, clock, meta()).execute(
          new AddPhoneNumberCommand(portal('a'), { accountId: 'acc-a', ...number }),
        );

      expect((await refusalOf(add({ phoneNumberId: 'pn-b-own', displayNumber: '+31687654321' }))).code).toBe(
        'OWNERSHIP_NOT_VERIFIED',
      );
      graph.holdNumbers('waba-acc-a', [
        { id: 'pn-shared', display_phone_number: '+31612345678' },
        { id: 'pn-a-2', display_phone_number: '+31 6 2222 2222' },
      ]);
      await expect(add({ phoneNumberId: 'pn-a-2', displayNumber: '+31622222222' })).resolves.toMatchObject({
        phoneNumbers: [{}, { phoneNumberId: 'pn-a-2' }],
      });
    });

    it('refuses a number another portal holds with one answer, only once Meta confirmed the WABA holds it', async () => {
      graph.holdNumbers('waba-acc-a', [{ id: 'pn-shared', display_phone_number: '+31612345678' }]);
      graph.holdNumbers('waba-acc-b', [{ id: 'pn-shared', display_phone_number: '+31612345678' }]);
      graph.holdNumbers('waba-acc-a2', [{ id: 'pn-shared', display_phone_number: '+31612345678' }]);
      await connectChecked(portal('a'), account('acc-a', [shared]));

      const otherPortal = await refusalOf(connectChecked(portal('b'), account('acc-b', [shared])));
      const ownPortal = await refusalOf(connectChecked(portal('a'), account('acc-a2', [shared])));
      const notMetaConfirmed = await refusalOf(
        connectChecked(portal('b'), { ...account('acc-b', [shared]), wabaId: 'waba-unknown' }),
      );

      expect({ code: otherPortal.code, message: otherPortal.message }).toEqual({
        code: ownPortal.code,
        message: ownPortal.message,
      });
      expect(otherPortal.code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
      expect(notMetaConfirmed.code).toBe('OWNERSHIP_NOT_VERIFIED');
    });

    it.each([
      ['answers 503', () => graph.scriptPhoneNumbers(graphErrors.unavailable())],
      ['throttles', () => graph.scriptPhoneNumbers(graphErrors.rateLimit())],
      ['drops the connection', () => graph.scriptPhoneNumbers({ kind: 'drop' })],
      [
        'answers an HTML 502',
        () => graph.scriptPhoneNumbers({ kind: 'raw', httpStatus: 502, body: '<html>Bad gateway</html>' }),
      ],
    ])(
      'refuses with a retryable OWNERSHIP_CHECK_UNAVAILABLE when the Graph API %s, and records nothing',
      async (_case, script) => {
        graph.holdNumbers('waba-acc-a', [{ id: 'pn-shared', display_phone_number: '+31612345678' }]);
        script();

        const refusal = await refusalOf(connectChecked(portal('a'), account('acc-a', [shared])));

        expect({ code: refusal.code, retryable: refusal.details.retryable }).toEqual({
          code: 'OWNERSHIP_CHECK_UNAVAILABLE',
          retryable: true,
        });
        expect(refusal.message).not.toMatch(/127\.0\.0\.1|ECONN/);
        expect(await nothingRecorded()).toBeNull();
        await expect(connectChecked(portal('a'), account('acc-a', [shared]))).resolves.toMatchObject({
          status: 'Connected',
        });
      },
    );

    it('refuses every connection, recording nothing, when the check is on but no access token is configured', async () => {
      const unconfigured = ownershipCheckFor({
        whatsapp: { apiUrl: graph.url, ownershipCheck: 'graph-api' },
      } as Parameters<typeof ownershipCheckFor>[0]);

      const refusal = await refusalOf(connectChecked(portal('a'), account('acc-a', [shared]), unconfigured));

      expect({ code: refusal.code, retryable: refusal.details.retryable }).toEqual({
        code: 'OWNERSHIP_CHECK_UNAVAILABLE',
        retryable: false,
      });
      expect(refusal.message).toMatch(/WHATSAPP_ACCESS_TOKEN is not set/);
      expect(await nothingRecorded()).toBeNull();
    });

    it("refuses another portal's account before asking Meta anything", async () => {
      await connect(portal('a'), account('acc-a', [shared]));
      const asked = graph.phoneNumberLookups.length;

      const refusal = await refusalOf(
        new AddPhoneNumberHandler(stores.current, clock, meta()).execute(
          new AddPhoneNumberCommand(portal('b'), { accountId: 'acc-a', ...shared }),
        ),
      );

      expect(refusal.code).toBe('CHANNEL_NOT_CONNECTED');
      expect(graph.phoneNumberLookups).toHaveLength(asked);
    });
  });
});
