import { DEFAULT_GRAPH_API_VERSION } from '@helpdesk/config';
import {
  channelStreamName,
  conversationIdOf,
  conversationStreamName,
  phoneNumberClaimStreamName,
  phoneNumberIdStreamName,
  wabaClaimStreamName,
} from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId } from '@helpdesk/commands/channel/find-channel-by-number.js';
import { parsePosition } from '../../apps/api/src/graphql/positions.js';
import { OutboundDispatcher } from '../../apps/api/src/outbound/outbound-dispatcher.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import { signWhatsAppPayload } from '../../apps/api/src/webhooks/whatsapp-signature.js';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { eventsOf } from '../support/stream-events.js';
import { APP_SECRET, type GraphqlAnswer, type PortalsWorld, openPortalsWorld } from './portals.world.js';

const ACCESS_TOKEN = 'cross-tenant-claims-graph-token';
/** Meta's ids: acme's WABA and number, globex's, and a display number nobody holds. */
const ACME = {
  wabaId: '1001',
  phoneNumberId: '106540352242922',
  displayNumber: '+15550001111',
  listed: '+1 555-000-1111',
};
const GLOBEX = {
  wabaId: '2002',
  phoneNumberId: '206540352242933',
  displayNumber: '+15550002222',
  listed: '+1 555-000-2222',
};
const FRESH_DISPLAY = '+15550009999';
const CONTACT_WA_ID = '33612345678';

const CONNECT =
  'mutation ($i: ConnectWhatsAppAccountInput!) { connectWhatsAppAccount(input: $i) { accountId position } }';
const ADD_NUMBER = 'mutation ($i: AddPhoneNumberInput!) { addPhoneNumber(input: $i) { accountId position } }';
const REMOVE_NUMBER = 'mutation ($i: RemovePhoneNumberInput!) { removePhoneNumber(input: $i) { accountId position } }';
const DISCONNECT =
  'mutation ($i: WhatsAppAccountInput!) { disconnectWhatsAppAccount(input: $i) { accountId position } }';
const VERIFY = 'mutation ($i: WhatsAppAccountInput!) { markBusinessVerified(input: $i) { accountId position } }';
const REGISTER_TEMPLATE = 'mutation ($i: RegisterTemplateInput!) { registerTemplate(input: $i) { name position } }';
const APPROVE_TEMPLATE = 'mutation ($i: ApproveTemplateInput!) { approveTemplate(input: $i) { name position } }';
const REJECT_TEMPLATE = 'mutation ($i: RejectTemplateInput!) { rejectTemplate(input: $i) { name position } }';
const REPLY = 'mutation ($i: ReplyToConversationInput!) { replyToConversation(input: $i) { messageId position } }';
const TEMPLATES = 'query ($a: ID) { templates(accountId: $a) { name } }';
const DAILY_USAGE = 'query ($a: ID!) { dailyUsage(accountId: $a) { accountId businessInitiated } }';

const connection = (
  wabaId: string,
  numbers: { phoneNumberId: string; displayNumber: string }[],
  accountId?: string,
) => ({
  i: {
    ...(accountId && { accountId }),
    ...{ wabaId, name: `Support ${wabaId}`, timeZone: 'Europe/Paris', accountType: 'BUSINESS' },
    phoneNumbers: numbers.map(({ phoneNumberId, displayNumber }) => ({ phoneNumberId, displayNumber })),
  },
});

/** An answer's errors as a client sees them, with the ids it was asked about written as placeholders. */
function errorsOf(answer: GraphqlAnswer, ids: Record<string, string>): unknown {
  let text = JSON.stringify((answer.errors ?? []).map(({ message, extensions }) => ({ message, extensions })));
  for (const [placeholder, id] of Object.entries(ids)) text = text.split(id).join(placeholder);
  return JSON.parse(text);
}

/**
 * The regression suite of the cross-tenant hijack of a phone number: driven over GraphQL and signed
 * webhooks against the booted service, whose ownership check asks the fake Graph API.
 */
describe('cross-tenant claims of WhatsApp ids', () => {
  let graph: FakeGraphApi;
  let world: PortalsWorld;
  let acmeAccount: string;
  let globexAccount: string;
  const admin = (portalId: string) => world.token(portalId, ['admin', 'agent']);
  const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
    const answer = await world.graphql(query, variables, token);
    if (answer.errors) throw new Error(`expected no errors: ${answer.raw}`);
    return answer.data as Record<string, Record<string, string>>;
  };
  const codeOf = (answer: GraphqlAnswer) => answer.errors?.[0]?.extensions?.code;

  /** Every stream holding something of acme's: its account, its ids' claims, its conversations. */
  const touchesAcme = (event: RecordedEvent) =>
    [
      channelStreamName(acmeAccount),
      phoneNumberIdStreamName(ACME.phoneNumberId),
      phoneNumberClaimStreamName(ACME.displayNumber),
      wabaClaimStreamName(ACME.wabaId),
    ].includes(event.streamName) || event.streamName.includes('acme');

  async function inbound(phoneNumberId: string, display: string, wamid: string, body: string) {
    const sentAt = Math.floor(world.clock.now().getTime() / 1000) + 60;
    const payload = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'entry',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: display.slice(1), phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'Contact' }, wa_id: CONTACT_WA_ID }],
                messages: [{ from: CONTACT_WA_ID, id: wamid, timestamp: String(sentAt), type: 'text', text: { body } }],
              },
            },
          ],
        },
      ],
    });
    const answer = await world.post('/webhooks/whatsapp', payload, {
      'content-type': 'application/json',
      'x-hub-signature-256': signWhatsAppPayload(payload, APP_SECRET),
    });
    expect(answer.status).toBe(200);
    await world.settled((await world.head())!);
  }

  const conversationOf = (portalId: string, phoneNumberId: string) =>
    conversationIdOf({ portalId, phoneNumberId, contactWaId: CONTACT_WA_ID });
  const wamidsIn = async (conversationId: string) =>
    (await eventsOf(world.store, conversationStreamName(conversationId)))
      .filter((event) => event.type === 'InboundMessageReceived')
      .map((event) => (event.data as { wamid: string }).wamid);

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: ACCESS_TOKEN });
    graph.holdNumbers(ACME.wabaId, [{ id: ACME.phoneNumberId, display_phone_number: ACME.listed }]);
    graph.holdNumbers(GLOBEX.wabaId, [{ id: GLOBEX.phoneNumberId, display_phone_number: GLOBEX.listed }]);
    world = await openPortalsWorld({
      env: {
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_API_URL: graph.baseUrl,
        WHATSAPP_OWNERSHIP_CHECK: 'graph-api',
      },
    });
    for (const portalId of ['acme', 'globex', 'initech', 'umbrella']) {
      const origin = { portalId, actor: { kind: 'user' as const, id: `${portalId}-admin` } };
      await world.bus.execute(
        new RegisterPortalCommand(origin, {
          name: portalId,
          timeZone: 'Europe/Paris',
          subscriptionStartedOn: '2024-01-15',
        }),
      );
    }
    acmeAccount = (await ok(CONNECT, connection(ACME.wabaId, [ACME]), admin('acme'))).connectWhatsAppAccount.accountId;
    globexAccount = (await ok(CONNECT, connection(GLOBEX.wabaId, [GLOBEX]), admin('globex'))).connectWhatsAppAccount
      .accountId;
    await inbound(ACME.phoneNumberId, ACME.displayNumber, 'wamid.acme-first', 'first');
  });

  afterAll(async () => {
    await world?.close();
    await graph?.close();
  });

  it('asked Meta, with the access token, which numbers each WABA holds before connecting it', () => {
    const paths = graph.phoneNumberLookups.map((lookup) => lookup.path.split('?')[0]);
    const version = DEFAULT_GRAPH_API_VERSION;
    expect(paths).toEqual([`/${version}/${ACME.wabaId}/phone_numbers`, `/${version}/${GLOBEX.wabaId}/phone_numbers`]);
    expect(graph.phoneNumberLookups.every((lookup) => lookup.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
  });

  it("refuses globex listing acme's phone_number_id under a fresh display number, however it tries, and acme keeps its messages and its number", async () => {
    const before = await world.head();
    const hijack = { phoneNumberId: ACME.phoneNumberId, displayNumber: FRESH_DISPLAY };

    // Meta does not list acme's id under globex's WABA.
    const added = await world.graphql(ADD_NUMBER, { i: { accountId: globexAccount, ...hijack } }, admin('globex'));
    graph.holdNumbers('2003', [{ id: '206540352242944', display_phone_number: '+1 555-000-3333' }]);
    const connected = await world.graphql(CONNECT, connection('2003', [hijack]), admin('globex'));
    expect([codeOf(added), codeOf(connected)]).toEqual(['OWNERSHIP_NOT_VERIFIED', 'OWNERSHIP_NOT_VERIFIED']);
    expect(await world.eventsAfter(before)).toEqual([]);

    // Even were Meta to list it there, the claim of the id stands.
    graph.holdNumbers(GLOBEX.wabaId, [
      { id: GLOBEX.phoneNumberId, display_phone_number: GLOBEX.listed },
      { id: ACME.phoneNumberId, display_phone_number: '+1 555-000-9999' },
    ]);
    const claimed = await world.graphql(ADD_NUMBER, { i: { accountId: globexAccount, ...hijack } }, admin('globex'));
    graph.holdNumbers(GLOBEX.wabaId, [{ id: GLOBEX.phoneNumberId, display_phone_number: GLOBEX.listed }]);
    expect(codeOf(claimed)).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
    expect(claimed.raw).not.toMatch(/acme/);
    const appended = await world.eventsAfter(before);
    expect(appended.filter(touchesAcme)).toEqual([]);
    // What globex claimed on the way (the fresh display number) it gave back.
    expect(appended.map((event) => event.type)).toEqual(['PhoneNumberClaimed', 'PhoneNumberReleased']);

    await inbound(ACME.phoneNumberId, ACME.displayNumber, 'wamid.acme-after', 'after the attempt');
    expect(await wamidsIn(conversationOf('acme', ACME.phoneNumberId))).toEqual([
      'wamid.acme-first',
      'wamid.acme-after',
    ]);
    expect(await wamidsIn(conversationOf('globex', ACME.phoneNumberId))).toEqual([]);
    await expect(findChannelByPhoneNumberId(world.store, ACME.phoneNumberId)).resolves.toMatchObject({
      portalId: 'acme',
      accountId: acmeAccount,
    });
  });

  it("sends globex's replies from globex's number only, never from acme's", async () => {
    // globex tries again to take acme's number (refused: the test above), then acme's contact writes.
    const hijack = { accountId: globexAccount, phoneNumberId: ACME.phoneNumberId, displayNumber: FRESH_DISPLAY };
    await world.graphql(ADD_NUMBER, { i: hijack }, admin('globex'));
    await inbound(ACME.phoneNumberId, ACME.displayNumber, 'wamid.acme-before-reply', 'is anyone there?');
    await inbound(GLOBEX.phoneNumberId, GLOBEX.displayNumber, 'wamid.globex-first', 'hello globex');
    const own = conversationOf('globex', GLOBEX.phoneNumberId);
    // Where acme's contact would be in globex's portal, had acme's number been taken.
    const hijacked = conversationOf('globex', ACME.phoneNumberId);

    const replies = await Promise.all(
      [own, hijacked].map((conversationId) =>
        world.graphql(REPLY, { i: { conversationId, text: `globex answers ${conversationId}` } }, admin('globex')),
      ),
    );
    const positions = replies.flatMap((answer) => {
      const position = (answer.data?.replyToConversation as { position?: string } | null)?.position;
      return position ? [parsePosition(position)!] : [];
    });
    for (const position of positions) await world.app.get(OutboundDispatcher).whenIdle(position);

    expect(graph.messageRequests.filter((request) => request.phoneNumberId === ACME.phoneNumberId)).toEqual([]);
    const sent = graph.messageRequests.filter((request) =>
      (request.body as { text?: { body?: string } }).text?.body?.startsWith('globex answers'),
    );
    expect(sent.map((request) => request.phoneNumberId)).toEqual([GLOBEX.phoneNumberId]);
    expect(replies.map((answer) => (answer.errors ? codeOf(answer) : 'sent'))).toEqual([
      'sent',
      'CONVERSATION_NOT_FOUND',
    ]);
    expect(await wamidsIn(conversationOf('acme', ACME.phoneNumberId))).toContain('wamid.acme-before-reply');
  });

  it("refuses globex connecting acme's WABA id, with the answer it gets for a WABA its own other account holds", async () => {
    const before = await world.head();

    const squat = await world.graphql(CONNECT, connection(ACME.wabaId, []), admin('globex'));
    const own = await world.graphql(CONNECT, connection(GLOBEX.wabaId, []), admin('globex'));

    expect(codeOf(squat)).toBe('ACCOUNT_ALREADY_CLAIMED');
    expect(errorsOf(squat, { WABA: ACME.wabaId })).toEqual(errorsOf(own, { WABA: GLOBEX.wabaId }));
    expect(await world.eventsAfter(before)).toEqual([]);
  });

  it("refuses globex reconnecting under acme's account id exactly as under an unknown one", async () => {
    const before = await world.head();

    const squat = await world.graphql(CONNECT, connection(GLOBEX.wabaId, [], acmeAccount), admin('globex'));
    const unknown = await world.graphql(CONNECT, connection(GLOBEX.wabaId, [], 'never-connected'), admin('globex'));

    expect(codeOf(squat)).toBe('CHANNEL_NOT_CONNECTED');
    expect(errorsOf(squat, { ID: acmeAccount })).toEqual(errorsOf(unknown, { ID: 'never-connected' }));
    expect(await world.eventsAfter(before)).toEqual([]);
  });

  it('refuses a WABA Meta does not show this service, and records nothing', async () => {
    const before = await world.head();

    const unverified = await world.graphql(
      CONNECT,
      connection('4004', [{ phoneNumberId: '406540352242955', displayNumber: '+15550004444' }]),
      admin('globex'),
    );

    expect(codeOf(unverified)).toBe('OWNERSHIP_NOT_VERIFIED');
    expect(await world.head()).toEqual(before);
  });

  it('refuses with a retryable code when the Graph API cannot be reached, and records nothing', async () => {
    graph.holdNumbers('5005', [{ id: '506540352242966', display_phone_number: '+1 555-000-5555' }]);
    graph.scriptPhoneNumbers({ kind: 'drop' });
    const before = await world.head();

    const unreachable = await world.graphql(
      CONNECT,
      connection('5005', [{ phoneNumberId: '506540352242966', displayNumber: '+15550005555' }]),
      admin('initech'),
    );

    expect(unreachable.errors?.[0]?.extensions).toMatchObject({ code: 'OWNERSHIP_CHECK_UNAVAILABLE', retryable: true });
    expect(await world.head()).toEqual(before);
  });

  it('gives exactly one of two portals connecting the same WABA at once the WABA, and the other nothing', async () => {
    graph.holdNumbers('6006', []);
    graph.holdNumbers('7007', [{ id: '706540352242977', display_phone_number: '+1 555-000-7777' }]);
    for (const [wabaId, numbers] of [
      ['6006', []],
      ['7007', [{ phoneNumberId: '706540352242977', displayNumber: '+15550007777' }]],
    ] as const) {
      const before = await world.head();
      const answers = await Promise.all(
        ['initech', 'umbrella'].map((portalId) =>
          world.graphql(CONNECT, connection(wabaId, [...numbers]), admin(portalId)),
        ),
      );

      const winners = answers.filter((answer) => !answer.errors);
      const losers = answers.filter((answer) => answer.errors);
      expect({ wabaId, winners: winners.length, losers: losers.length }).toEqual({ wabaId, winners: 1, losers: 1 });
      expect(['ACCOUNT_ALREADY_CLAIMED', 'PHONE_NUMBER_ALREADY_CLAIMED']).toContain(codeOf(losers[0]));
      const winner = (winners[0].data as { connectWhatsAppAccount: { accountId: string } }).connectWhatsAppAccount
        .accountId;
      const connected = (await world.eventsAfter(before)).filter((event) => event.type === 'AccountConnected');
      expect(connected.map((event) => (event.data as { accountId: string }).accountId)).toEqual([winner]);
      const wabaClaims = await eventsOf(world.store, wabaClaimStreamName(wabaId));
      const holders =
        wabaClaims.filter((event) => event.type === 'WabaClaimed').length -
        wabaClaims.filter((event) => event.type === 'WabaReleased').length;
      expect({ wabaId, holders, last: wabaClaims.at(-1)?.data }).toMatchObject({
        wabaId,
        holders: 1,
        last: { accountId: winner },
      });
    }
  });

  it("answers globex aiming at acme's account or template exactly as at ids that do not exist, everywhere", async () => {
    const template = { accountId: acmeAccount, name: 'acme_order_ready', language: 'en_US' };
    await ok(REGISTER_TEMPLATE, { i: { ...template, category: 'UTILITY', body: 'Hi {{1}}' } }, admin('acme'));
    await ok(APPROVE_TEMPLATE, { i: template }, admin('acme'));
    const unknownAccount = 'no-such-account';
    const before = await world.head();
    const globex = admin('globex');
    const asks: [string, string, (accountId: string, name: string) => Record<string, unknown>][] = [
      [
        'addPhoneNumber',
        ADD_NUMBER,
        (accountId) => ({ i: { accountId, phoneNumberId: '806540352242988', displayNumber: '+15550008888' } }),
      ],
      ['removePhoneNumber', REMOVE_NUMBER, (accountId) => ({ i: { accountId, displayNumber: ACME.displayNumber } })],
      ['disconnectWhatsAppAccount', DISCONNECT, (accountId) => ({ i: { accountId } })],
      ['markBusinessVerified', VERIFY, (accountId) => ({ i: { accountId } })],
      [
        'registerTemplate',
        REGISTER_TEMPLATE,
        (accountId) => ({ i: { accountId, name: 'probe', language: 'en_US', category: 'UTILITY', body: 'x {{1}}' } }),
      ],
      ['approveTemplate', APPROVE_TEMPLATE, (accountId, name) => ({ i: { accountId, name, language: 'en_US' } })],
      [
        'rejectTemplate',
        REJECT_TEMPLATE,
        (accountId, name) => ({ i: { accountId, name, language: 'en_US', reason: 'probe' } }),
      ],
      ['templates', TEMPLATES, (accountId) => ({ a: accountId })],
      ['dailyUsage', DAILY_USAGE, (accountId) => ({ a: accountId })],
    ];

    for (const [field, query, variables] of asks) {
      const elsewhere = await world.graphql(query, variables(acmeAccount, template.name), globex);
      const unknownId = await world.graphql(query, variables(unknownAccount, template.name), globex);
      const unknownName = await world.graphql(query, variables(acmeAccount, 'never_registered'), globex);
      const seen = { field, data: elsewhere.data, errors: errorsOf(elsewhere, { ID: acmeAccount }) };
      expect(seen).toEqual({ field, data: unknownId.data, errors: errorsOf(unknownId, { ID: unknownAccount }) });
      expect(seen).toEqual({
        field,
        data: unknownName.data,
        errors: errorsOf(unknownName, { ID: acmeAccount, acme_order_ready: 'never_registered' }),
      });
      expect({ field, leaked: elsewhere.raw.includes('another portal') }).toEqual({ field, leaked: false });
    }
    expect((await world.eventsAfter(before)).filter(touchesAcme)).toEqual([]);
  });
});
