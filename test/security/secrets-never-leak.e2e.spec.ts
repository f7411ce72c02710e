import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSigner } from '@helpdesk/audit';
import { parseExport, rechained } from '../../libs/audit/src/forgery.test-world.js';
import { runHelpdeskWith } from '../../apps/cli/src/cli.test-world.js';
import { OutboundDispatcher } from '../../apps/api/src/outbound/outbound-dispatcher.js';
import { parsePosition } from '../../apps/api/src/graphql/positions.js';
import { signHs256Jwt } from '@helpdesk/auth';
import { FakeGraphApi, graphErrors } from '@helpdesk/fake-graph-api';
import { EVERY_ROLE, type MatrixWorld, openMatrixWorld } from './matrix-world.js';
import { APP_SECRET, JWT_SECRET, VERIFY_TOKEN } from './portals.world.js';

const ACCESS_TOKEN = 'security-suite-graph-access-token-7f3a9c';
/** EXPORT_SIGNING_KEY, as an operator sets it: PKCS#8 PEM with `\n` escapes, on one line. */
const EXPORT_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const EXPORT_KEY_DER = createPrivateKey(EXPORT_KEY_PEM).export({ type: 'pkcs8', format: 'der' });
const SECRETS = {
  appSecret: APP_SECRET,
  accessToken: ACCESS_TOKEN,
  jwtSecret: JWT_SECRET,
  verifyToken: VERIFY_TOKEN,
  // The private key in every form it could leak in: the PEM's body, and its 32-byte seed in base64 and hex.
  exportKeyPem: EXPORT_KEY_DER.toString('base64'),
  exportKeySeedBase64: EXPORT_KEY_DER.subarray(16).toString('base64').replace(/=+$/, ''),
  exportKeySeedBase64url: EXPORT_KEY_DER.subarray(16).toString('base64url'),
  exportKeySeedHex: EXPORT_KEY_DER.subarray(16).toString('hex'),
};

/** Everything a reader of the logs or a client could see. */
const seen: string[] = [];
const logLines: string[] = [];

/**
 * At LOG_LEVEL=trace, with webhooks signed well and badly, Meta's subscription handshakes (the verify
 * token in the URL, however its name is encoded), GraphQL errors of every kind and outbound calls
 * that Meta refuses or drops: the app secret, the Graph API access token, the JWT secret and the
 * verify token appear in no log line, no HTTP answer, no GraphQL error and no stored event.
 */
describe('secrets in logs, answers and events', () => {
  let matrix: MatrixWorld;
  let graph: FakeGraphApi;

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: ACCESS_TOKEN });
    const logDestination = { write: (line: string) => void logLines.push(line) };
    const env = {
      ...{ LOG_LEVEL: 'trace', WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_API_URL: graph.baseUrl },
      EXPORT_SIGNING_KEY: EXPORT_KEY_PEM.trimEnd().replace(/\n/g, '\\n'),
    };
    matrix = await openMatrixWorld({ env, overrides: { logDestination } });
    // The seeding's own replies are sent (and accepted) before the failures below are scripted.
    const replies = (await matrix.world.eventsAfter(null)).filter((event) => event.type === 'ReplyAccepted');
    await matrix.world.app.get(OutboundDispatcher).whenIdle(replies[replies.length - 1].position);
  });

  afterAll(async () => {
    await matrix.world.close();
    await graph.close();
  });

  it('keeps them out of webhook answers and logs, whether signed well or badly', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [] }] });
    const sign = (secret: string, bytes: string) =>
      `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;
    const attempts: [string, Record<string, string>][] = [
      [body, { 'x-hub-signature-256': sign(APP_SECRET, body) }],
      [body, { 'x-hub-signature-256': sign('a-guess', body) }],
      [body, {}],
      ['{"object":', { 'x-hub-signature-256': sign(APP_SECRET, '{"object":') }],
      [body, { 'x-hub-signature-256': sign(APP_SECRET, `${body} `) }],
    ];
    for (const [payload, signature] of attempts) {
      const answer = await matrix.world.post('/webhooks/whatsapp', payload, {
        'content-type': 'application/json',
        ...signature,
      });
      seen.push(answer.raw, JSON.stringify(answer.headers));
    }
    const handshake = await matrix.world.request(
      'GET',
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1',
      {},
    );
    seen.push(handshake.raw);
    // Meta's handshake carries the real verify token in the URL, which request logs show.
    for (const name of ['hub.verify_token', 'hub%2Everify_token', 'hub.verify%5Ftoken', 'HUB.VERIFY_TOKEN']) {
      const accepted = await matrix.world.request(
        'GET',
        `/webhooks/whatsapp?hub.mode=subscribe&${name}=${encodeURIComponent(VERIFY_TOKEN)}&hub.challenge=42`,
        {},
      );
      seen.push(accepted.raw);
    }
    expect(logLines.some((line) => line.includes('/webhooks/whatsapp?hub.mode=subscribe'))).toBe(true);
    await matrix.world.settled();
    expect(seen.some((raw) => raw.includes('X-Hub-Signature-256 is wrong'))).toBe(true);
  });

  it('keeps them out of GraphQL errors of every kind', async () => {
    const { world } = matrix;
    const forged = signHs256Jwt(
      { sub: 'x', portalId: 'acme', roles: ['admin'], exp: 4_102_444_800 },
      'not-the-jwt-secret-but-long-enough-1234',
    );
    const expired = world
      .token('acme', ['agent'])
      .replace(
        /\..*/,
        `.${Buffer.from('{"sub":"x","portalId":"acme","roles":["agent"],"exp":1}').toString('base64url')}.x`,
      );
    const asks: [string, Record<string, unknown>, string | undefined][] = [
      ['{ tickets { totalCount } }', {}, undefined],
      ['{ tickets { totalCount } }', {}, forged],
      ['{ tickets { totalCount } }', {}, expired],
      ['{ projections { name } }', {}, world.token('acme', ['agent'])],
      ['query ($f: Int) { tickets(first: $f) { totalCount } }', { f: 'many' }, world.token('acme', ['agent'])],
      [
        'mutation ($i: CreateViewInput!) { createView(input: $i) { viewId } }',
        { i: { name: '', sharing: 'EVERYONE', filters: [] } },
        world.token('acme', ['agent']),
      ],
      [
        'mutation { replyToConversation(input: { conversationId: "nope", text: "x" }) { messageId } }',
        {},
        world.token('acme', EVERY_ROLE),
      ],
      ['{ tickets { ', {}, world.token('acme', ['agent'])],
    ];
    for (const [query, variables, token] of asks) seen.push((await world.graphql(query, variables, token)).raw);
    expect(seen.some((raw) => raw.includes('UNAUTHENTICATED'))).toBe(true);
  });

  it('keeps them out of what is logged and stored when Meta refuses, fails or drops outbound messages', async () => {
    graph.script(
      graphErrors.invalidToken(),
      graphErrors.invalidParameter('bad'),
      { kind: 'raw', httpStatus: 400, body: '<html>proxy</html>' },
      { kind: 'drop' },
    );
    const token = matrix.world.token('acme', ['agent']);
    const reply = 'mutation ($i: ReplyToConversationInput!) { replyToConversation(input: $i) { position } }';
    let position = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await matrix.world.graphql(
        reply,
        { i: { conversationId: matrix.acme.conversationId, text: `attempt ${attempt}` } },
        token,
      );
      position = (answer.data?.replyToConversation as { position: string }).position;
    }
    await matrix.world.app.get(OutboundDispatcher).whenIdle(parsePosition(position) ?? undefined);

    expect(graph.requests.slice(-4).map((request) => request.outcome)).toEqual([401, 400, 400, 'dropped']);
    expect(graph.requests.every((request) => request.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
    const events = await matrix.world.eventsAfter(null);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['OutboundMessageFailed', 'OutboundDeliveryUnknown']),
    );
    for (const event of events) seen.push(JSON.stringify(event.data), JSON.stringify(event.metadata));
  });

  it('keeps the export signing key out of exports, verdicts and the CLI', async () => {
    const { world, acme } = matrix;
    const auditor = world.token('acme', ['auditor']);
    const exported = await world.graphql(
      'query ($c: ID!) { conversationExport(conversationId: $c) { ndjson keyId } }',
      { c: acme.conversationId },
      auditor,
    );
    seen.push(exported.raw);
    const ndjson = (exported.data?.conversationExport as { ndjson: string }).ndjson;
    const { events, trailer } = parseExport(ndjson);
    const other = exportSigner(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const verify = 'query ($n: String!) { verifyConversationExport(ndjson: $n) { ok kind line problem keyId } }';
    for (const text of [
      ndjson,
      rechained(trailer.scope, events, trailer, other),
      ndjson.replace('"format"', '"formal"'),
      '{',
    ]) {
      seen.push((await world.graphql(verify, { n: text }, auditor)).raw);
    }
    expect(seen.some((raw) => raw.includes('"kind":"unknown-key"'))).toBe(true);

    // The CLI with the same key: exports' public key, an offline verdict, a bad key refused.
    const dir = mkdtempSync(join(tmpdir(), 'secrets-cli-'));
    try {
      const env = { DATA_DIR: dir, EXPORT_SIGNING_KEY: EXPORT_KEY_PEM };
      const file = join(dir, 'export.ndjson');
      writeFileSync(file, ndjson);
      for (const argv of [
        ['export', 'public-key'],
        ['export', 'verify', file, '--offline'],
        ['export', 'verify', file, '--offline', '--public-key', file],
      ]) {
        const run = await runHelpdeskWith(env, ...argv);
        seen.push(run.stdout, run.stderr);
      }
      const refused = await runHelpdeskWith(
        { DATA_DIR: dir, EXPORT_SIGNING_KEY: EXPORT_KEY_DER.subarray(0, 40).toString('base64') },
        'export',
        'public-key',
      );
      seen.push(refused.stdout, refused.stderr);
      expect(refused.stderr).toContain('EXPORT_SIGNING_KEY must be an Ed25519 private key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen.some((raw) => raw.includes(`signed by ${trailer.keyId}, offline`))).toBe(true);
  });

  it('finds none of them in anything captured, which is not nothing', () => {
    // Requests, Nest's own messages, GraphQL errors, the webhook and outbound delivery: all were captured.
    for (const logged of [
      'request completed',
      'The bearer token is not valid',
      'WhatsApp webhook stored',
      'Outbound delivery is on',
    ]) {
      expect({ logged, found: logLines.some((line) => line.includes(logged)) }).toEqual({ logged, found: true });
    }
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect({ name, inLogs: logLines.filter((line) => line.includes(secret)) }).toEqual({ name, inLogs: [] });
      expect({ name, inAnswers: seen.filter((text) => text.includes(secret)) }).toEqual({ name, inAnswers: [] });
    }
  });
});
