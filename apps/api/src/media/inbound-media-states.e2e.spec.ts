import { createHash } from 'node:crypto';
import { testToken } from '@helpdesk/auth/fixtures';
import { FakeGraphApi, graphErrors } from '@helpdesk/fake-graph-api';
import { VirtualTimers } from '../outbound/outbound.test-world.js';
import {
  APP_SECRET,
  RECEIVED_AT,
  VERIFY_TOKEN,
  type WebhookWorld,
  contactWaId,
  openWebhookWorld,
  portalId,
  textPayload,
} from '../webhooks/webhook.test-world.js';
import { mediaUrlId } from './media-id.js';

const JWT_SECRET = 'inbound-media-states-e2e-secret-long-enough';
const PICTURE = Buffer.from('\xff\xd8\xff\xe0 a jpeg of a scratched screen', 'latin1');

interface MediaInThread {
  readonly state: 'PENDING' | 'STORED' | 'FAILED';
  readonly url: string | null;
}

function imagePayload(wamid: string, mediaId: string) {
  const payload = textPayload(wamid, 'unused');
  const value = payload.entry[0].changes[0].value as Record<string, unknown>;
  value.messages = [
    {
      ...{ from: contactWaId, id: wamid, timestamp: '1697043223', type: 'image' },
      image: { id: mediaId, mime_type: 'image/jpeg', sha256: createHash('sha256').update(PICTURE).digest('base64') },
    },
  ];
  return payload;
}

/** Polls (no fixed sleep) until `check` answers something; the test's timeout bounds it. */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Media states as agents see them over GraphQL, from a webhook over HTTP: Meta's media endpoints
 * failing for good, failing until the retries run out, failing once, and GET /media/:id's rate limit.
 * The fetcher's waits run on virtual timers (its backoff is minutes long); nothing else is faked.
 */
describe('Inbound media states over HTTP and GraphQL', () => {
  let graph: FakeGraphApi;
  let world: WebhookWorld;
  let base: string;
  let now = 0;
  const agentToken = () => testToken({ portal: portalId, user: 'agent-1', roles: 'agent' }, JWT_SECRET);
  const otherPortalToken = () => testToken({ portal: 'globex', user: 'agent-9', roles: 'agent' }, JWT_SECRET);

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'media-token' });
    world = await openWebhookWorld(
      {
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: 'media-token',
        WHATSAPP_API_URL: graph.baseUrl,
        AUTH_JWT_SECRET: JWT_SECRET,
        // 3 at once, then one every 10 s: the limiter's time moves only when a test moves it.
        MEDIA_RATE_LIMIT: '0.1',
        MEDIA_RATE_LIMIT_BURST: '3',
      },
      (clock) => ({ mediaTimers: new VirtualTimers(clock), rateLimitNow: () => now }),
    );
    base = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
  });

  afterAll(async () => {
    await world.close();
    await graph.close();
  });

  beforeEach(() => {
    now += 60_000; // every media bucket full again
  });

  async function receiveImage(wamid: string, mediaId: string): Promise<void> {
    const response = await world.post(JSON.stringify(imagePayload(wamid, mediaId)));
    expect(response.status).toBe(200);
  }

  /** The message's media as the thread shows it, once the thread holds the message. */
  async function mediaOf(wamid: string): Promise<MediaInThread | undefined> {
    const conversationId = (await world.conversation())[0]?.streamName.replace(/^conversation-/, '');
    if (conversationId === undefined) return undefined;
    const query = `query($id: ID!) { conversation(id: $id) { thread(last: 100) { nodes {
      wamid content { ... on MediaContent { state url } } } } } }`;
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken()}` },
      body: JSON.stringify({ query, variables: { id: conversationId } }),
    });
    const answer = (await response.json()) as {
      data: { conversation: { thread: { nodes: { wamid: string; content: MediaInThread }[] } } | null };
    };
    return answer.data.conversation?.thread.nodes.find((node) => node.wamid === wamid)?.content;
  }

  const settled = (wamid: string) =>
    until(async () => {
      const media = await mediaOf(wamid);
      return media && media.state !== 'PENDING' ? media : undefined;
    });

  it('shows FAILED and no url when Meta no longer has the media, after one attempt', async () => {
    const lookups = graph.mediaLookups.length;
    await receiveImage('wamid.gone', '2001'); // never held: Graph's "Object with ID does not exist"
    expect(await settled('wamid.gone')).toEqual({ state: 'FAILED', url: null });
    expect(graph.mediaLookups.length - lookups).toBe(1);
  });

  it('shows FAILED and no url when the download answers 404, after one attempt', async () => {
    graph.holdMedia('2005', { bytes: PICTURE, mimeType: 'image/jpeg' });
    graph.scriptMediaDownloads({ kind: 'raw', httpStatus: 404, body: 'Not found' });
    await receiveImage('wamid.expired-url', '2005');
    expect(await settled('wamid.expired-url')).toEqual({ state: 'FAILED', url: null });
    expect(graph.mediaDownloads('2005')).toHaveLength(1);
  });

  it("shows FAILED and no url when the bytes do not match Meta's sha256, and keeps nothing", async () => {
    graph.holdMedia('2002', { bytes: PICTURE, mimeType: 'image/jpeg', sha256: 'ab'.repeat(32) });
    await receiveImage('wamid.tampered', '2002');
    expect(await settled('wamid.tampered')).toEqual({ state: 'FAILED', url: null });
    expect(graph.mediaDownloads('2002')).toHaveLength(1);
  });

  it("shows FAILED and no url once the retries are used up while Meta's media endpoint fails", async () => {
    graph.holdMedia('2003', { bytes: PICTURE, mimeType: 'image/jpeg' });
    graph.scriptMediaLookups(...Array.from({ length: 6 }, () => graphErrors.serverError(500)));
    const lookups = graph.mediaLookups.length;
    await receiveImage('wamid.unreachable', '2003');
    expect(await settled('wamid.unreachable')).toEqual({ state: 'FAILED', url: null });
    expect(graph.mediaLookups.length - lookups).toBe(6);
    expect(graph.mediaDownloads('2003')).toHaveLength(0);
  });

  it('shows PENDING while Meta has not answered, then STORED with its url after a transient failure', async () => {
    graph.holdMedia('2004', { bytes: PICTURE, mimeType: 'image/jpeg' });
    graph.scriptMediaLookups({ kind: 'hang' });
    const lookups = graph.mediaLookups.length;
    await receiveImage('wamid.slow', '2004');
    await until(async () => (graph.mediaLookups.length > lookups ? true : undefined));
    expect(await until(() => mediaOf('wamid.slow'))).toEqual({ state: 'PENDING', url: null });

    graph.releaseHung(graphErrors.serverError(503));
    const stored = await settled('wamid.slow');
    expect(stored).toEqual({ state: 'STORED', url: expect.stringMatching(/^\/media\/[A-Za-z0-9_-]+$/) });
    expect(graph.mediaLookups.length - lookups).toBe(2);
    const download = await fetch(`${base}${stored.url}`, { headers: { authorization: `Bearer ${agentToken()}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PICTURE);
  });

  it("limits GET /media/:id per portal: 429 with Retry-After past the burst, other portals' buckets untouched", async () => {
    const get = (token: string | null) =>
      fetch(`${base}/media/${mediaUrlId('acme-1-2', 'no-such-message')}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    for (let request = 0; request < 3; request++) expect((await get(agentToken())).status).toBe(404);
    const limited = await get(agentToken());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(await limited.json()).toEqual({
      error: 'RATE_LIMITED',
      message: 'Too many media requests for this portal: retry in 10 s',
      retryAfterSeconds: 10,
    });
    // The portal's other users share its bucket; another portal has its own; no token is never counted.
    const colleague = testToken({ portal: portalId, user: 'admin-2', roles: 'admin' }, JWT_SECRET);
    expect((await get(colleague)).status).toBe(429);
    expect((await get(otherPortalToken())).status).toBe(404);
    expect((await get(null)).status).toBe(401);

    now += 9_000;
    expect((await get(agentToken())).status).toBe(429);
    now += 1_000;
    expect((await get(agentToken())).status).toBe(404);
  });
});
