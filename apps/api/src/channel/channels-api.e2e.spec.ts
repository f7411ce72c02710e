import { DisconnectAccountCommand } from '@helpdesk/commands/channel/disconnect-account.handler.js';
import { type TicketsWorld, acme, admin, globex, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';
import { connectAccount } from './channel.test-world.js';

const CHANNELS = `query($at: String) {
  channels(atLeastPosition: $at) { id wabaId name timeZone status verified disconnectedAt phoneNumbers { phoneNumberId displayNumber } }
}`;
const WAIT = CHANNELS;

/** Channels of the directory read model over GraphQL, each portal seeing only its own. */
describe('channels GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let other: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    other = await world.token(globex, 'agent,admin,auditor');
    const london = { accountId: 'account-2', name: 'acme Sales', timeZone: 'Europe/London', verified: false };
    await connectAccount(world, acme, {
      ...london,
      numbers: [
        ['200000000000001', '+15550002222'],
        ['200000000000002', '+15550003333'],
      ],
    });
    const oldLine = { accountId: 'account-3', name: 'Old line', timeZone: 'UTC', verified: false };
    await connectAccount(world, acme, { ...oldLine, numbers: [['300000000000001', '+15550004444']] });
    await world.bus.execute(new DisconnectAccountCommand(admin(acme), { accountId: 'account-3' }));
    const globexLine = { accountId: 'account-g', name: 'Globex', timeZone: 'America/New_York', verified: true };
    await connectAccount(world, globex, { ...globexLine, numbers: [['900000000000001', '+15550009999']] });
    // Read-your-writes on the log's end: every read below sees all of the above.
    expect((await world.graphql(WAIT, { at: await logHead(world) }, agent)).errors).toBeUndefined();
  });

  afterAll(() => world.close());

  it("lists the portal's channels by name (case aside) with numbers, status, verification and time zone", async () => {
    const answer = await world.graphql(CHANNELS, {}, agent);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.channels).toEqual([
      {
        id: 'account-2',
        wabaId: 'waba-account-2',
        name: 'acme Sales',
        timeZone: 'Europe/London',
        status: 'CONNECTED',
        verified: false,
        disconnectedAt: null,
        phoneNumbers: [
          { phoneNumberId: '200000000000001', displayNumber: '+15550002222' },
          { phoneNumberId: '200000000000002', displayNumber: '+15550003333' },
        ],
      },
      {
        id: 'account-1',
        wabaId: 'waba-1',
        name: 'Acme support',
        timeZone: 'Europe/Paris',
        status: 'CONNECTED',
        verified: true,
        disconnectedAt: null,
        phoneNumbers: [{ phoneNumberId: '106540352242922', displayNumber: '+15550001111' }],
      },
      {
        id: 'account-3',
        wabaId: 'waba-account-3',
        name: 'Old line',
        timeZone: 'UTC',
        status: 'DISCONNECTED',
        verified: false,
        disconnectedAt: expect.any(String),
        phoneNumbers: [],
      },
    ]);
    expect((await world.graphql(CHANNELS, {}, other)).data?.channels).toMatchObject([
      { id: 'account-g', name: 'Globex' },
    ]);
  });

  it('lets auditors read too, and nobody without a token or a reading role', async () => {
    const auditor = await world.token(acme, 'auditor');
    expect((await world.graphql(CHANNELS, {}, auditor)).errors).toBeUndefined();
    expect((await world.graphql(CHANNELS, {}, await world.token(acme, 'operator'))).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await world.graphql(CHANNELS, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
