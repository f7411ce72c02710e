import Database from 'better-sqlite3';
import { join } from 'node:path';
import { pywaPayload } from './pywa.fixtures.js';
import { inboxStreamName, payloadSha256 } from './webhook-inbox.js';
import {
  RECEIVED_AT,
  VERIFY_TOKEN,
  type WebhookWorld,
  openWebhookWorld,
  receivedWamids,
  textPayload,
} from './webhook.test-world.js';

/** The embedded store's log, under DATA_DIR. */
const SQLITE_EVENTS_FILE = 'events.sqlite';

/** The edge: verification, signatures, content types, malformed payloads, and a store that cannot write. */
describe('The WhatsApp webhook over HTTP', () => {
  let world: WebhookWorld;

  beforeAll(async () => {
    world = await openWebhookWorld();
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
  });

  afterAll(() => world.close());

  describe("Meta's endpoint verification (GET)", () => {
    const handshake = { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' };

    it('echoes the challenge as text/plain when the token matches', async () => {
      const response = await world.verify(handshake);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it('refuses a wrong token, another mode or no challenge with 403', async () => {
      expect((await world.verify({ ...handshake, 'hub.verify_token': 'guess' })).status).toBe(403);
      expect((await world.verify({ ...handshake, 'hub.mode': 'unsubscribe' })).status).toBe(403);
      expect((await world.verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN })).status).toBe(403);
    });
  });

  describe('Refusals (POST): nothing stored', () => {
    const body = JSON.stringify(pywaPayload('message.json', 'text'));

    it('answers 401 to an unsigned, a wrongly signed or a malformed signature, and stores nothing', async () => {
      expect((await world.post(body, { signature: null })).status).toBe(401);
      expect((await world.post(body, { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
      expect((await world.post(body, { signature: 'sha256=abc' })).status).toBe(401);
      expect((await world.post(body, { signature: world.sign(`${body} `) })).status).toBe(401);
      expect(await world.inbox()).toEqual([]);
    });

    it('answers 415 to another content type', async () => {
      const response = await world.post(body, { contentType: 'text/plain' });
      expect(response.status).toBe(415);
      expect(await world.inbox()).toEqual([]);
    });
  });

  describe('Signed but malformed', () => {
    it.each([
      ['not JSON', '{"object":"whatsapp_business_account","entry":[', /not JSON/],
      ['another object', JSON.stringify({ object: 'page', entry: [] }), /"object" must be/],
      ['no entry list', JSON.stringify({ object: 'whatsapp_business_account' }), /"entry" must be a list/],
    ])('keeps %s in the inbox for inspection and answers 400', async (_case, body, reason) => {
      const response = await world.post(body);

      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(reason);
      const stored = await world.inbox();
      expect(stored[stored.length - 1]).toMatchObject({
        type: 'MalformedWebhookPayloadReceived',
        data: { body, bodyEncoding: 'utf8', reason: expect.stringMatching(reason) },
      });
    });
  });

  describe("Meta's resends of the same bytes", () => {
    it('stores a payload once however often it comes, and answers 200 every time', async () => {
      await world.processed();
      const before = (await world.inbox()).length;
      const body = JSON.stringify(textPayload('wamid.resent', 'Sent until it got a 200'));
      const answers = [];
      for (let resend = 0; resend < 25; resend++) answers.push((await world.post(body)).status);
      // The same bytes at the same time, as when Meta's retry overtakes a slow first answer.
      answers.push(
        ...(await Promise.all([world.post(body), world.post(body), world.post(body)])).map(
          (response) => response.status,
        ),
      );

      expect(answers).toEqual(Array(28).fill(200));
      const inbox = await world.inbox();
      expect(inbox).toHaveLength(before + 1);
      expect(inbox[inbox.length - 1]).toMatchObject({
        streamName: inboxStreamName(payloadSha256(Buffer.from(body))),
        data: { body },
      });
      await world.processed();
      expect(receivedWamids(await world.conversation()).filter((wamid) => wamid === 'wamid.resent')).toHaveLength(1);
    });

    it('keeps a signed malformed body once too, and still answers 400 to each resend', async () => {
      const body = '{"object":"whatsapp_business_account","entry":[ "resent"';
      const before = (await world.inbox()).length;
      const answers = [await world.post(body), await world.post(body), await world.post(body)].map(
        (response) => response.status,
      );

      expect(answers).toEqual([400, 400, 400]);
      expect((await world.inbox()).map((event) => event.type).slice(before)).toEqual([
        'MalformedWebhookPayloadReceived',
      ]);
    });

    it('stores bytes that differ by one byte as two payloads', async () => {
      const before = (await world.inbox()).length;
      const body = JSON.stringify(textPayload('wamid.spaced', 'One space apart'));
      expect((await world.post(body)).status).toBe(200);
      expect((await world.post(`${body} `)).status).toBe(200);
      expect(await world.inbox()).toHaveLength(before + 2);
    });
  });

  describe('Other routes', () => {
    it('keep the default JSON parsing and 1 MB body limit', async () => {
      const graphql = world.url.replace('/webhooks/whatsapp', '/graphql');
      const post = (body: string) =>
        fetch(graphql, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const health = await post(JSON.stringify({ query: '{ serviceHealth { healthy } }' }));

      expect(await health.json()).toEqual({ data: { serviceHealth: { healthy: true } } });
      expect((await post('{"query": ')).status).toBe(400);
      expect(
        (await post(JSON.stringify({ query: `{ serviceHealth { healthy } } #${'x'.repeat(1024 * 1024)}` }))).status,
      ).toBe(413);
    });
  });

  describe('When the event store cannot write', () => {
    it('answers 503 so that Meta retries, and 200 to the retry once the store is back', async () => {
      await world.processed();
      const stored = (await world.inbox()).length;
      const body = JSON.stringify(textPayload('wamid.outage', 'During the outage'));
      // A second connection holds SQLite's write lock, as another process would.
      const locker = new Database(join(world.dataDir, SQLITE_EVENTS_FILE));
      try {
        locker.exec('BEGIN EXCLUSIVE');
        expect((await world.post(body)).status).toBe(503);
        locker.exec('ROLLBACK');
      } finally {
        locker.close();
      }
      expect(await world.inbox()).toHaveLength(stored);
      expect(receivedWamids(await world.conversation())).not.toContain('wamid.outage');
      expect((await world.post(body)).status).toBe(200);
      await world.processed();
      expect(receivedWamids(await world.conversation())).toContain('wamid.outage');
      expect(await world.metrics()).toMatch(/^whatsapp_webhooks_rejected_total\{reason="store_unavailable"\} 1$/m);
    });
  });
});

describe('The WhatsApp webhook without its secrets configured', () => {
  let world: WebhookWorld;

  beforeAll(async () => {
    world = await openWebhookWorld({});
  });

  afterAll(() => world.close());

  it('refuses verification and answers 503 to a POST, storing nothing', async () => {
    const handshake = { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' };
    expect((await world.verify(handshake)).status).toBe(403);
    const response = await world.post(JSON.stringify(pywaPayload('message.json', 'text')));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toMatch(/WHATSAPP_APP_SECRET is not configured/);
    expect(await world.inbox()).toEqual([]);
  });
});
