import { createHash } from 'node:crypto';
import { testToken } from '@helpdesk/auth/fixtures';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { rawRequest } from '../../../../test/security/raw-http.js';
import { ProjectionsService } from '../projections/projections.service.js';
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
import { InboundMediaFetcher } from './inbound-media-fetcher.js';
import { mediaUrlId } from './media-id.js';

const JWT_SECRET = 'inbound-media-e2e-secret-long-enough-for-hs256';
const PICTURE = Buffer.from('\xff\xd8\xff\xe0 a small jpeg of a broken parcel', 'latin1');
const MEDIA_ID = '1484350919170958';

function imagePayload(wamid: string, mediaId: string) {
  const payload = textPayload(wamid, 'unused');
  const value = payload.entry[0].changes[0].value as Record<string, unknown>;
  value.messages = [
    {
      from: contactWaId,
      id: wamid,
      timestamp: '1697043223',
      type: 'image',
      image: {
        id: mediaId,
        mime_type: 'image/jpeg',
        sha256: createHash('sha256').update(PICTURE).digest('base64'),
        caption: 'It arrived like this',
      },
    },
  ];
  return payload;
}

describe('Inbound media, from the webhook to GET /media/:id', () => {
  let graph: FakeGraphApi;
  let world: WebhookWorld;
  let base: string;
  const agentToken = () => testToken({ portal: portalId, user: 'agent-1', roles: 'agent' }, JWT_SECRET);
  const otherToken = () => testToken({ portal: 'globex', user: 'agent-9', roles: 'agent,admin' }, JWT_SECRET);
  const get = (id: string, token?: string) =>
    fetch(`${base}/media/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'media-token' });
    graph.holdMedia(MEDIA_ID, { bytes: PICTURE, mimeType: 'image/jpeg' });
    world = await openWebhookWorld({
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: 'media-token',
      WHATSAPP_API_URL: graph.baseUrl,
      AUTH_JWT_SECRET: JWT_SECRET,
    });
    base = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
  });

  afterAll(async () => {
    await world.close();
    await graph.close();
  });

  async function receiveImage(wamid: string, mediaId: string): Promise<string> {
    const response = await world.post(JSON.stringify(imagePayload(wamid, mediaId)));
    expect(response.status).toBe(200);
    await world.processed();
    const received = (await world.conversation()).find(
      (event) => event.type === 'InboundMessageReceived' && (event.data as { wamid: string }).wamid === wamid,
    )!;
    await world.app.get(InboundMediaFetcher).whenIdle(received.position);
    const latest = (await world.conversation()).at(-1)!;
    await world.app.get(ProjectionsService).whenCaughtUp(latest.position);
    const conversationId = received.streamName.replace(/^conversation-/, '');
    return mediaUrlId(conversationId, (received.data as { messageId: string }).messageId);
  }

  it("serves the contact's picture to the portal's agent, with its type, a safe name and nosniff", async () => {
    const id = await receiveImage('wamid.media-1', MEDIA_ID);
    const response = await get(id, agentToken());
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PICTURE);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="image-[0-9a-f-]+\.jpg"/);
    expect(graph.mediaDownloads(MEDIA_ID)).toHaveLength(1);
    const events = (await world.conversation()).map((event) => event.type);
    expect(events).toContain('InboundMediaStored');
  });

  it('shows the stored media in the thread: url, mime type, size, file name and state', async () => {
    const id = await receiveImage('wamid.media-1', MEDIA_ID);
    const conversationId = Buffer.from(id, 'base64url').toString().split('/')[0];
    const query = `query($id: ID!) { conversation(id: $id) { thread { nodes {
      content { ... on MediaContent { kind state url mimeType size fileName } } } } } }`;
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken()}` },
      body: JSON.stringify({ query, variables: { id: conversationId } }),
    });
    const answer = (await response.json()) as { data: { conversation: { thread: { nodes: { content: unknown }[] } } } };
    expect(answer.data.conversation.thread.nodes[0].content).toEqual({
      kind: 'IMAGE',
      state: 'STORED',
      url: `/media/${id}`,
      mimeType: 'image/jpeg',
      size: PICTURE.length,
      fileName: expect.stringMatching(/^image-[0-9a-f-]+\.jpg$/),
    });
  });

  it("answers another portal's token exactly like an unknown id, and no token with 401", async () => {
    const id = await receiveImage('wamid.media-1', MEDIA_ID);
    const other = await get(id, otherToken());
    const unknown = await get(mediaUrlId('acme-1-2', 'no-such-message'), agentToken());
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await other.text()).toBe(await unknown.text());
    expect((await get(id)).status).toBe(401);
    expect((await get(id, 'not-a-token')).status).toBe(401);
  });

  it("refuses a token whose roles may not read threads (an operator's) before looking the id up", async () => {
    const id = await receiveImage('wamid.media-1', MEDIA_ID);
    const operator = testToken({ portal: portalId, user: 'ops-1', roles: 'operator' }, JWT_SECRET);
    const auditor = testToken({ portal: portalId, user: 'audit-1', roles: 'auditor' }, JWT_SECRET);
    const refused = await get(id, operator);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'Only agents, admins and auditors may open media',
    });
    expect((await get(mediaUrlId('acme-1-2', 'no-such-message'), operator)).status).toBe(403);
    expect((await get(id, auditor)).status).toBe(200);
  });

  // Written byte for byte (no client normalises `..` or `%2F`): every spelling reaching the route gets its 404.
  it.each([
    '..%2F..%2Fevents.sqlite',
    '..',
    '.%2E',
    '%2E%2E%2Fauth-jwt-secret',
    'a.b',
    '%00',
    Buffer.from('../../events.sqlite').toString('base64url'),
    Buffer.from('acme-1-2/../../x').toString('base64url') + '=',
  ])('answers a path trick in the id (%s) exactly like an unknown id', async (id) => {
    const port = Number(new URL(base).port);
    const headers = { authorization: `Bearer ${agentToken()}` };
    const answer = await rawRequest(port, 'GET', `/media/${id}`, headers);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text.slice(answer.text.indexOf('{')))).toEqual({
      error: 'NOT_FOUND',
      message: 'No such media',
    });
  });

  it('answers paths with more segments with 404 and serves no file', async () => {
    const port = Number(new URL(base).port);
    const headers = { authorization: `Bearer ${agentToken()}` };
    for (const path of ['/media/../events.sqlite', '/media/%2e%2e/%2e%2e/events.sqlite', '/media//etc/passwd']) {
      const answer = await rawRequest(port, 'GET', path, headers);
      expect(answer.status).toBe(404);
      expect(answer.text).not.toMatch(/SQLite format/);
    }
  });

  // Last: it quarantines the shared message.
  it('serves nothing of a quarantined message (404, as unknown)', async () => {
    const id = await receiveImage('wamid.media-1', MEDIA_ID);
    expect((await get(id, agentToken())).status).toBe(200);
    const [conversationId, messageId] = Buffer.from(id, 'base64url').toString().split('/');
    const origin = { portalId, actor: { kind: 'system', id: 'content-policy' } } as const;
    const change = await world.bus.execute(
      new RunConversationCommand(origin, conversationId, 'QuarantineMessage', { messageId, reason: 'Policy' }),
    );
    expect(change.recorded).toEqual(['MessageQuarantined']);
    await world.app.get(ProjectionsService).whenCaughtUp(change.position);
    const response = await get(id, agentToken());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'NOT_FOUND', message: 'No such media' });
  });
});
