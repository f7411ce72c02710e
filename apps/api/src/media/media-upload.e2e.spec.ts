import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { testToken } from '@helpdesk/auth/fixtures';
import { type WebhookWorld, openWebhookWorld, portalId } from '../webhooks/webhook.test-world.js';
import { MediaUploads } from './media-uploads.js';

const JWT_SECRET = 'media-upload-e2e-secret-long-enough-for-hs256';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const SMALL_PNG = Buffer.concat([PNG_SIGNATURE, Buffer.from('IHDR a picture of the broken parcel')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 a sticker')]);

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('POST /media: an agent uploads a file for a reply', () => {
  let world: WebhookWorld;
  let port: number;
  const token = (roles: string, portal = portalId) => testToken({ portal, user: `${roles}-1`, roles }, JWT_SECRET);
  const uploadsDir = () => join(world.dataDir, 'media', 'uploads');
  const storedFiles = () => {
    try {
      return readdirSync(uploadsDir(), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    world = await openWebhookWorld({
      AUTH_JWT_SECRET: JWT_SECRET,
      // A body that never finishes is cut off here (408), whatever is still to come.
      HTTP_REQUEST_TIMEOUT_MS: '3000',
    });
    port = Number(new URL(await world.app.getUrl()).port);
  });

  afterAll(() => world.close());

  async function upload(
    body: Buffer,
    { type, query = '', auth = token('agent') }: { type?: string; query?: string; auth?: string | null } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (type !== undefined) headers['content-type'] = type;
    if (auth !== null) headers.authorization = `Bearer ${auth}`;
    const response = await fetch(`http://127.0.0.1:${port}/media${query}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** A request written by hand: a declared length, or chunked, with the body coming from `chunks`. */
  function streamUpload(
    type: string,
    chunks: () => Iterable<Buffer>,
    headers: Record<string, string> = {},
  ): Promise<Answer | 'closed'> {
    return new Promise((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/media',
        headers: { 'content-type': type, authorization: `Bearer ${token('agent')}`, ...headers },
      });
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString() || '{}') }),
        );
      });
      // The server closes the connection once it refuses: writes after that fail, which is expected.
      request.on('error', () => resolve('closed'));
      const write = async () => {
        for (const chunk of chunks()) {
          if (request.destroyed) return;
          if (!request.write(chunk)) await new Promise((drained) => request.once('drain', drained));
        }
      };
      void write().then(() => (request.destroyed ? undefined : request.end()));
    });
  }

  it('keeps a PNG and answers what it kept; the upload is found by its portal only', async () => {
    const answer = await upload(SMALL_PNG, { type: 'image/png' });
    expect(answer).toEqual({
      status: 201,
      body: {
        uploadId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        kind: 'image',
        mimeType: 'image/png',
        sizeBytes: SMALL_PNG.length,
        fileName: null,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        expiresAt: new Date(world.clock.now().getTime() + 24 * 3_600_000).toISOString(),
      },
    });
    const uploads = world.app.get(MediaUploads);
    const uploadId = answer.body.uploadId as string;
    const now = world.clock.now();
    expect(await uploads.find(portalId, uploadId, now)).toMatchObject({ kind: 'image', sizeBytes: SMALL_PNG.length });
    expect(await uploads.find('globex', uploadId, now)).toBeNull();
    expect(await uploads.find(portalId, 'A'.repeat(22), now)).toBeNull();
  });

  it('keeps a document with its file name, and a WebP as a sticker (the kind inferred from the type)', async () => {
    const pdf = await upload(PDF, { type: 'application/pdf', query: '?fileName=invoice%20March.pdf' });
    expect(pdf.body).toMatchObject({ kind: 'document', fileName: 'invoice March.pdf', sizeBytes: PDF.length });
    const sticker = await upload(WEBP, { type: 'image/webp' });
    expect(sticker.body).toMatchObject({ kind: 'sticker', mimeType: 'image/webp' });
  });

  it('refuses without a token (401) and to operators and auditors (403), keeping nothing', async () => {
    const before = storedFiles().length;
    expect((await upload(SMALL_PNG, { type: 'image/png', auth: null })).status).toBe(401);
    expect((await upload(SMALL_PNG, { type: 'image/png', auth: 'not-a-token' })).status).toBe(401);
    expect((await upload(SMALL_PNG, { type: 'image/png', auth: token('operator') })).status).toBe(403);
    expect((await upload(SMALL_PNG, { type: 'image/png', auth: token('auditor') })).status).toBe(403);
    expect(storedFiles()).toHaveLength(before);
  });

  it.each([
    ['a GIF', 'image/gif', '', /WhatsApp cannot send 'image\/gif'/],
    ['a ZIP', 'application/zip', '', /WhatsApp cannot send/],
    ['a PNG as a document', 'image/png', '?kind=document', /PDF, plain text or Office/],
    ['no type at all', undefined, '', /Content-Type/],
  ])('refuses %s with UNSUPPORTED_MEDIA_TYPE (415)', async (_, type, query, message) => {
    const before = storedFiles().length;
    const answer = await upload(SMALL_PNG, { type, query });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(message) });
    expect(storedFiles()).toHaveLength(before);
  });

  it('refuses a file whose first bytes are not its declared type (a PDF sent as image/png)', async () => {
    const before = storedFiles().length;
    const answer = await upload(PDF, { type: 'image/png' });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({
      error: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/not image\/png/),
    });
    expect(storedFiles()).toHaveLength(before);
  });

  it('refuses an oversized file on its Content-Length, before reading it, with the limit (413)', async () => {
    const before = storedFiles().length;
    const declared = 5 * 1024 * 1024 + 1;
    let written = 0;
    // Only the first chunk is ever offered: the answer comes on the headers alone.
    const answer = await streamUpload(
      'image/png',
      function* () {
        written += SMALL_PNG.length;
        yield SMALL_PNG;
      },
      { 'content-length': String(declared) },
    );
    expect(answer).not.toBe('closed');
    expect(answer).toMatchObject({
      status: 413,
      body: {
        error: 'MEDIA_TOO_LARGE',
        message: expect.stringMatching(/at most 5242880 bytes \(5 MB\)/),
        details: { maxBytes: 5242880, limit: '5 MB', sizeBytes: declared, kind: 'image' },
      },
    });
    expect(written).toBeLessThan(declared);
    expect(storedFiles()).toHaveLength(before);
  });

  it('stops reading a chunked file at the bound and keeps nothing (413)', async () => {
    const before = storedFiles().length;
    let offered = 0;
    const answer = await streamUpload('image/webp', function* () {
      yield WEBP;
      // Endless: the server must stop it, not the client.
      for (offered = 0; offered < 10_000; offered++) yield Buffer.alloc(16 * 1024, 1);
    });
    if (answer !== 'closed') expect(answer).toMatchObject({ status: 413, body: { error: 'MEDIA_TOO_LARGE' } });
    await world.app.get(MediaUploads).idle();
    // 10,000 chunks of 16 KB is 160 MB: far from all of it was taken.
    expect(offered).toBeLessThan(10_000);
    expect(storedFiles()).toHaveLength(before);
  });

  it('drops a body that never finishes once the request timeout passes, keeping nothing', async () => {
    const before = storedFiles().length;
    const answer = await new Promise<number | 'closed'>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/media',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${token('agent')}`, 'content-length': '100000' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', () => resolve('closed'));
      request.write(SMALL_PNG); // and nothing more, ever
    });
    expect([408, 'closed']).toContain(answer);
    await world.app.get(MediaUploads).idle();
    expect(storedFiles()).toHaveLength(before);
  });

  it('answers a file name with control characters 400', async () => {
    const answer = await upload(PDF, { type: 'application/pdf', query: '?fileName=a%0Ab.pdf' });
    expect(answer.status).toBe(400);
  });
});

describe('POST /media: a portal holding MEDIA_UPLOAD_MAX_PENDING uploads not yet sent', () => {
  let world: WebhookWorld;
  const token = (portal = portalId) => testToken({ portal, user: 'agent-1', roles: 'agent' }, JWT_SECRET);

  beforeAll(async () => {
    world = await openWebhookWorld({ AUTH_JWT_SECRET: JWT_SECRET, MEDIA_UPLOAD_MAX_PENDING: '2' });
  });

  afterAll(() => world.close());

  async function upload(portal = portalId): Promise<Answer> {
    const response = await fetch(`${(await world.app.getUrl()).replace('[::1]', '127.0.0.1')}/media`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${token(portal)}` },
      body: SMALL_PNG,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('is refused with 429 TOO_MANY_PENDING_UPLOADS; another portal is not', async () => {
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(201);
    expect(await upload()).toEqual({
      status: 429,
      body: {
        error: 'TOO_MANY_PENDING_UPLOADS',
        message: 'The portal holds 2 uploads not yet sent: send them, or wait for them to expire',
        details: { maxPending: 2 },
      },
    });
    expect((await upload('globex')).status).toBe(201);
  });
});
