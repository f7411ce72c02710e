import { JwksServer, type ProviderKey, providerKey, providerToken, testToken } from '@helpdesk/auth/fixtures';
import { mintAccessToken } from '@helpdesk/auth';
import { formatPosition } from '../graphql/positions.js';
import { RECEIVED_AT, SECRET, type TicketsWorld, acme, openTicketsWorld } from '../conversation/tickets.test-world.js';

const TICKETS = `query Tickets($at: String) { tickets(atLeastPosition: $at) { totalCount nodes { preview } } }`;
const ISSUER = 'https://login.acme.example/';
const AUDIENCE = 'helpdesk-api';

/** AUTH_JWKS_URL set: the customer's identity provider's tokens open the API, beside `helpdesk mint-token`'s. */
describe("the GraphQL API with the identity provider's keys (AUTH_JWKS_URL, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE)", () => {
  let jwks: JwksServer;
  let world: TicketsWorld;
  let key: ProviderKey;
  let at: string;

  beforeAll(async () => {
    jwks = await JwksServer.start();
    key = await providerKey('acme-2024-11');
    jwks.publish(key);
    world = await openTicketsWorld(
      {},
      { AUTH_JWKS_URL: jwks.url.href, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE },
    );
    world.clock.set(RECEIVED_AT);
    at = formatPosition((await world.receive('wamid.idp')).position!);
  });

  afterAll(async () => {
    await world.close();
    await jwks.close();
  });

  function idpToken(claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(world.clock.now().getTime() / 1000);
    const base = { iss: ISSUER, aud: AUDIENCE, sub: 'anna@acme', portalId: acme, roles: ['agent'], iat: now };
    return providerToken(key, { ...base, exp: now + 3_600, ...claims });
  }

  it('reads tickets with an RS256 token of the identity provider, signed under its kid', async () => {
    const answer = await world.graphql(TICKETS, { at }, await idpToken());
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.tickets).toMatchObject({ totalCount: 1, nodes: [{ preview: 'Where is my order?' }] });
  });

  it('answers UNAUTHENTICATED to a wrong audience or issuer, an unknown kid, and an HS256 token without iss and aud', async () => {
    const now = Math.floor(world.clock.now().getTime() / 1000);
    const stranger = await providerKey('not-published');
    const tokens = {
      wrongAudience: await idpToken({ aud: 'billing' }),
      wrongIssuer: await idpToken({ iss: 'https://login.evil.example/' }),
      unknownKid: await providerToken(stranger, {
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'x',
        portalId: acme,
        roles: ['agent'],
        exp: now + 60,
      }),
      hs256WithoutAudience: testToken({ portal: acme, user: 'anna', roles: 'agent' }, SECRET),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const answer = await world.graphql(TICKETS, { at }, token);
      expect({ name, data: answer.data, codes: answer.errors?.map((error) => error.extensions?.code) }).toEqual({
        name,
        data: null,
        codes: ['UNAUTHENTICATED'],
      });
    }
  });

  it('still reads tickets with an HS256 token minted with the issuer and audience, as `helpdesk mint-token` does', async () => {
    const token = mintAccessToken(
      { portalId: acme, userId: 'anna', roles: ['agent'], expiresInSeconds: 600 },
      SECRET,
      world.clock.now(),
      { issuer: ISSUER, audience: AUDIENCE },
    );
    expect((await world.graphql(TICKETS, { at }, token)).data?.tickets).toMatchObject({ totalCount: 1 });
  });
});
