import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testToken } from '@helpdesk/auth/fixtures';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { OutboundDispatcher } from '../outbound/outbound-dispatcher.js';
import { ProjectionsService } from '../projections/projections.service.js';
import {
  APP_SECRET,
  RECEIVED_AT,
  VERIFY_TOKEN,
  type WebhookWorld,
  openWebhookWorld,
  portalId,
  textPayload,
} from '../webhooks/webhook.test-world.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { MediaUploads, SWEEP_GRACE_MS } from './media-uploads.js';
import { MediaSweeper } from './media-sweeper.js';

const JWT_SECRET = 'outbound-media-e2e-secret-long-enough-for-hs256';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR parcel')]);
const PDF = Buffer.from('%PDF-1.7\n% the invoice\n%%EOF\n');
const DAY = 24 * 60 * 60 * 1000;

interface GraphqlAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions: { code: string } }[];
}

describe('Outbound media over HTTP: POST /media, replyToConversation, Meta, the thread, GET /media/:id', () => {
  let graph: FakeGraphApi;
  let world: WebhookWorld;
  let base: string;
  let conversationId: string;
  const agentToken = (portal = portalId) => testToken({ portal, user: 'agent-1', roles: 'agent' }, JWT_SECRET);

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'media-token' });
    world = await openWebhookWorld({
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: 'media-token',
      WHATSAPP_API_URL: graph.baseUrl,
      AUTH_JWT_SECRET: JWT_SECRET,
      // An hour, so that an upload expires while the contact's session is still open.
      MEDIA_UPLOAD_TTL_HOURS: '1',
    });
    base = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
    expect((await world.post(JSON.stringify(textPayload('wamid.in-1', 'Where is my parcel?')))).status).toBe(200);
    await world.processed();
    conversationId = (await world.conversation())[0].streamName.replace(/^conversation-/, '');
  });

  afterAll(async () => {
    await world.close();
    await graph.close();
  });

  async function upload(bytes: Buffer, type: string, query = '', token = agentToken()) {
    const response = await fetch(`${base}/media${query}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body: bytes,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { uploadId: string; sizeBytes: number };
  }

  async function graphql(query: string, variables: Record<string, unknown>, token = agentToken()) {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlAnswer;
  }

  const REPLY = `mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { messageId position } }`;

  /** Until the dispatcher sent everything recorded so far and the thread shows it. */
  async function settled(): Promise<void> {
    const latest = (await world.conversation()).at(-1)!;
    await world.app.get(OutboundDispatcher).whenIdle(latest.position);
    const after = (await world.conversation()).at(-1)!;
    await world.app.get(ProjectionsService).whenCaughtUp(after.position);
  }

  it('sends an uploaded document with its caption and file name, shows it in the thread and serves it back', async () => {
    const { uploadId } = await upload(PDF, 'application/pdf', '?fileName=invoice.pdf');
    const answer = await graphql(REPLY, {
      input: { conversationId, attachment: { uploadId, caption: 'Your invoice' } },
    });
    expect(answer.errors).toBeUndefined();
    const { messageId } = (answer.data as { replyToConversation: { messageId: string } }).replyToConversation;
    await settled();

    const [sent] = graph.requestsFor(messageId);
    expect(sent.body).toMatchObject({
      type: 'document',
      document: { id: expect.any(String), caption: 'Your invoice', filename: 'invoice.pdf' },
    });
    const mediaId = (sent.body as { document: { id: string } }).document.id;
    expect(graph.uploadedMedia(mediaId)).toMatchObject({ bytes: PDF, mimeType: 'application/pdf' });

    const thread = await graphql(
      `
        query ($id: ID!) {
          conversation(id: $id) {
            thread {
              nodes {
                id
                direction
                content {
                  ... on MediaContent {
                    kind
                    state
                    url
                    mimeType
                    size
                    fileName
                    caption
                  }
                }
              }
            }
          }
        }
      `,
      { id: conversationId },
    );
    const nodes = (thread.data as { conversation: { thread: { nodes: { id: string; content: unknown }[] } } })
      .conversation.thread.nodes;
    const node = nodes.find((candidate) => candidate.id === messageId)!;
    expect(node.content).toEqual({
      kind: 'DOCUMENT',
      state: 'STORED',
      url: expect.stringMatching(/^\/media\/[A-Za-z0-9_-]+$/),
      mimeType: 'application/pdf',
      size: PDF.length,
      fileName: 'invoice.pdf',
      caption: 'Your invoice',
    });
    const { url } = node.content as { url: string };
    const served = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${agentToken()}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF);
    expect(served.headers.get('content-disposition')).toMatch(/filename="invoice.pdf"/);
    const otherPortal = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${agentToken('globex')}` } });
    expect(otherPortal.status).toBe(404);
  });

  it("answers another portal's upload id exactly like an unknown one, recording nothing", async () => {
    const { uploadId } = await upload(PNG, 'image/png');
    const before = (await world.conversation()).length;
    const foreign = await graphql(REPLY, { input: { conversationId, attachment: { uploadId } } }, agentToken('globex'));
    const unknown = await graphql(
      REPLY,
      { input: { conversationId, attachment: { uploadId: 'B'.repeat(22) } } },
      agentToken('globex'),
    );
    expect(foreign.errors?.[0].extensions.code).toBe('MEDIA_UPLOAD_NOT_FOUND');
    expect(unknown.errors?.[0].extensions.code).toBe('MEDIA_UPLOAD_NOT_FOUND');
    expect(foreign.errors?.[0].message.replace(uploadId, 'ID')).toBe(
      unknown.errors?.[0].message.replace('B'.repeat(22), 'ID'),
    );
    expect((await world.conversation()).length).toBe(before);
  });

  it('takes text or an attachment, not both and not neither', async () => {
    const { uploadId } = await upload(PNG, 'image/png');
    const both = await graphql(REPLY, { input: { conversationId, text: 'Hi', attachment: { uploadId } } });
    const neither = await graphql(REPLY, { input: { conversationId } });
    expect(both.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(neither.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const longCaption = await graphql(REPLY, {
      input: { conversationId, attachment: { uploadId, caption: 'x'.repeat(1025) } },
    });
    expect(longCaption.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an upload expired unsent, sweeps it after the grace, and keeps the one a reply sent', async () => {
    const HOUR = 3_600_000;
    world.clock.set(RECEIVED_AT);
    const sent = await upload(PDF, 'application/pdf', '?fileName=terms.pdf');
    const unsent = await upload(PNG, 'image/png');
    const reply = await graphql(REPLY, { input: { conversationId, attachment: { uploadId: sent.uploadId } } });
    expect(reply.errors).toBeUndefined();
    const { messageId } = (reply.data as { replyToConversation: { messageId: string } }).replyToConversation;
    await settled();

    world.clock.set(new Date(Date.parse(RECEIVED_AT) + HOUR + 1).toISOString());
    const before = (await world.conversation()).length;
    const late = await graphql(REPLY, { input: { conversationId, attachment: { uploadId: unsent.uploadId } } });
    expect(late.errors?.[0].extensions.code).toBe('MEDIA_UPLOAD_NOT_FOUND');
    expect((await world.conversation()).length).toBe(before);

    const uploadFiles = () =>
      readdirSync(join(world.dataDir, 'media', 'uploads'), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    expect(uploadFiles()).toContain(unsent.uploadId);
    world.clock.set(new Date(Date.parse(RECEIVED_AT) + HOUR + SWEEP_GRACE_MS).toISOString());
    expect((await world.app.get(MediaSweeper).sweep()).swept).toBeGreaterThanOrEqual(1);
    expect(uploadFiles()).not.toContain(unsent.uploadId);
    expect(uploadFiles()).toContain(sent.uploadId);
    const swept = await world.app.get(MetricsRegistry).render();
    expect(swept).toMatch(/^media_uploads_swept_total [1-9]/m);

    const thread = await graphql(
      'query ($id: ID!) { conversation(id: $id) { thread { nodes { id content { ... on MediaContent { url } } } } } }',
      { id: conversationId },
    );
    const nodes = (thread.data as { conversation: { thread: { nodes: { id: string; content: { url?: string } }[] } } })
      .conversation.thread.nodes;
    const url = nodes.find((node) => node.id === messageId)?.content.url;
    const served = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${agentToken()}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF);
  });

  it('removes the unfinished file a killed process left in the media directory, not a write under way', async () => {
    const HOUR = 3_600_000;
    world.clock.set(new Date(Date.parse(RECEIVED_AT) + 3 * HOUR).toISOString());
    const writing = join(world.dataDir, 'media', '.partial');
    mkdirSync(writing, { recursive: true });
    const plant = (name: string, lastWrittenAt: number) => {
      writeFileSync(join(writing, name), 'half a video');
      utimesSync(join(writing, name), new Date(lastWrittenAt), new Date(lastWrittenAt));
    };
    // Last written to two hours ago (a process killed mid-write), and a minute ago (a write under way).
    plant('3b1d7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.partial', world.clock.now().getTime() - 2 * HOUR);
    plant('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.partial', world.clock.now().getTime() - 60_000);

    const done = await world.app.get(MediaSweeper).sweep();
    expect(done.abandonedWrites).toEqual({ files: 1, bytes: 'half a video'.length });
    expect(readdirSync(writing)).toEqual(['9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.partial']);
    expect(await world.app.get(MetricsRegistry).render()).toMatch(/^media_abandoned_writes_removed_total 1$/m);
  });

  it('refuses an attachment once the session closed: SESSION_CLOSED, nothing recorded, the upload kept', async () => {
    world.clock.set(new Date(Date.parse(RECEIVED_AT) + 2 * DAY).toISOString());
    const { uploadId } = await upload(PNG, 'image/png');
    const before = (await world.conversation()).filter((event) => event.type === 'ReplyAccepted').length;
    const answer = await graphql(REPLY, { input: { conversationId, attachment: { uploadId } } });
    expect(answer.errors?.[0].extensions.code).toBe('SESSION_CLOSED');
    const after = (await world.conversation()).filter((event) => event.type === 'ReplyAccepted').length;
    expect(after).toBe(before);
    expect(await world.app.get(MediaUploads).find(portalId, uploadId, world.clock.now())).not.toBeNull();
  });
});
