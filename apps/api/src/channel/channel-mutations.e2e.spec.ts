import { listChannels } from '@helpdesk/projections/directory/index.js';
import { acme, globex } from '../conversation/tickets.test-world.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../view/views.test-world.js';
import { readModelsAt } from '../graphql/read-your-writes.test-world.js';
import { ADD_NUMBER, CONNECT, DISCONNECT, REMOVE_NUMBER, VERIFY } from './channel.test-world.js';

type Payload = { accountId: string; displayNumber?: string; position: string | null };
const connection = (phoneNumbers: { phoneNumberId: string; displayNumber: string }[], accountType = 'BUSINESS') => ({
  input: { wabaId: '2001', name: 'Acme sales', timeZone: 'Europe/Paris', accountType, phoneNumbers },
});

/** WhatsApp accounts and numbers over real HTTP: admins only, each change readable at the position it returns. */
describe('channel mutations GraphQL API', () => {
  let world: ViewsWorld;
  let admin: string;
  let at: ReturnType<typeof readModelsAt>;

  beforeAll(async () => {
    world = await openViewsWorld();
    admin = await world.tokenFor(acme, 'root', 'admin');
    at = readModelsAt(world);
  });

  afterAll(() => world.close());

  it('connects an account, adds and removes a number, verifies and disconnects it', async () => {
    const connected = await world.ok<Payload>(
      CONNECT,
      connection([{ phoneNumberId: '300000000000003', displayNumber: '+1 555 000 3333' }]),
      admin,
    );
    const { accountId } = connected;
    const channel = async (position: string) =>
      (await at(position, (db) => listChannels(db, acme))).find((row) => row.accountId === accountId);
    expect(await channel(connected.position!)).toMatchObject({
      status: 'connected',
      verified: false,
      wabaId: '2001',
      name: 'Acme sales',
    });

    const added = await world.ok<Payload>(
      ADD_NUMBER,
      { input: { accountId, phoneNumberId: '300000000000004', displayNumber: '+1 (555) 000-4444' } },
      admin,
    );
    expect(added.displayNumber).toBe('+15550004444');
    expect((await channel(added.position!))?.phoneNumbers.map((number) => number.displayNumber)).toEqual([
      '+15550003333',
      '+15550004444',
    ]);
    const removed = await world.ok<Payload>(
      REMOVE_NUMBER,
      { input: { accountId, displayNumber: '+1 555 000 3333' } },
      admin,
    );
    expect((await channel(removed.position!))?.phoneNumbers.map((number) => number.displayNumber)).toEqual([
      '+15550004444',
    ]);

    const verified = await world.ok<Payload>(VERIFY, { input: { accountId } }, admin);
    expect(await channel(verified.position!)).toMatchObject({ verified: true });
    expect(await world.ok<Payload>(VERIFY, { input: { accountId } }, admin)).toEqual({ accountId, position: null });
    const disconnected = await world.ok<Payload>(DISCONNECT, { input: { accountId } }, admin);
    expect(await channel(disconnected.position!)).toMatchObject({ status: 'disconnected', phoneNumbers: [] });
    // Released: another account may claim the number now.
    expect(
      (
        await world.graphql(
          CONNECT,
          connection([{ phoneNumberId: '300000000000004', displayNumber: '+15550004444' }]),
          admin,
        )
      ).errors,
    ).toBeUndefined();
  });

  it('refuses bad input by field, the domain refusals with their codes, another portal and non-admins', async () => {
    const badWaba = await world.graphql(CONNECT, { input: { ...connection([]).input, wabaId: 'waba-x' } }, admin);
    expect(refusal(badWaba)).toEqual({ code: 'BAD_USER_INPUT', fields: ['wabaId'] });
    const badNumber = await world.graphql(
      CONNECT,
      connection([{ phoneNumberId: 'abc', displayNumber: '+15550005555' }]),
      admin,
    );
    expect(refusal(badNumber)).toEqual({ code: 'BAD_USER_INPUT', fields: ['phoneNumbers.0.phoneNumberId'] });
    expect(refusal(await world.graphql(CONNECT, connection([], 'PERSONAL'), admin))).toEqual({
      code: 'PERSONAL_ACCOUNT_NOT_ALLOWED',
    });
    const claimed = await world.graphql(
      CONNECT,
      connection([{ phoneNumberId: '300000000000009', displayNumber: '+15550001111' }]),
      admin,
    );
    expect(refusal(claimed)).toEqual({ code: 'PHONE_NUMBER_ALREADY_CLAIMED' });
    expect(refusal(await world.graphql(VERIFY, { input: { accountId: 'no-such-account' } }, admin))).toEqual({
      code: 'CHANNEL_NOT_CONNECTED',
    });

    const globexAdmin = await world.tokenFor(globex, 'root', 'admin');
    // Another portal's account answers exactly as an account that does not exist.
    const elsewhere = await world.graphql(DISCONNECT, { input: { accountId: 'account-1' } }, globexAdmin);
    const unknown = await world.graphql(DISCONNECT, { input: { accountId: 'account-0' } }, globexAdmin);
    expect(refusal(elsewhere)).toEqual({ code: 'CHANNEL_NOT_CONNECTED' });
    expect(elsewhere.errors?.[0].message).toBe(unknown.errors?.[0].message.replace('account-0', 'account-1'));
    const agent = await world.tokenFor(acme, 'anna', 'agent');
    expect(refusal(await world.graphql(DISCONNECT, { input: { accountId: 'account-1' } }, agent))).toEqual({
      code: 'FORBIDDEN',
    });
    const { position } = await world.receiveFrom('+33612345678', 'wamid.still', 'Still routed?');
    const channels = await at(position, (db) => listChannels(db, acme));
    expect(channels.find((channel) => channel.accountId === 'account-1')).toMatchObject({ status: 'connected' });
  });
});
