import { networkInterfaces } from 'node:os';
import { type AcceptedMessage, FakeGraphApi, graphErrors } from './index.js';

const token = 'test-access-token';
const text = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '33612345678',
  type: 'text',
  text: { body: 'Hi' },
};

describe('The fake Graph API', () => {
  let graph: FakeGraphApi;
  const post = (body: unknown, options: { token?: string | null; path?: string } = {}) =>
    fetch(`${graph.url}${options.path ?? '/106540352242922/messages'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token !== null && { authorization: `Bearer ${options.token ?? token}` }),
      },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    graph = await FakeGraphApi.start({ accessToken: token });
  });

  afterEach(() => graph.close());

  it("answers a valid message with Meta's documented body, and records the request", async () => {
    const response = await post({ ...text, biz_opaque_callback_data: 'out-1' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '33612345678', wa_id: '33612345678' }],
      messages: [{ id: expect.stringMatching(/^wamid\./) }],
    });
    expect(graph.requestsFor('out-1')).toEqual([
      expect.objectContaining({ phoneNumberId: '106540352242922', authorization: `Bearer ${token}`, outcome: 200 }),
    ]);
  });

  it("refuses a missing or wrong token with Meta's OAuth error", async () => {
    for (const wrong of [null, 'other-token']) {
      const response = await post(text, { token: wrong });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          message: expect.stringMatching(/access token/),
          type: 'OAuthException',
          code: 190,
          fbtrace_id: expect.any(String),
        },
      });
    }
    expect(graph.requests).toHaveLength(2);
  });

  it.each([
    ['media by id with a caption', { type: 'image', image: { id: 'media-1', caption: 'Receipt' } }],
    ['media by link', { type: 'video', video: { link: 'https://cdn.example.com/v.mp4' } }],
    [
      'a document with its file name',
      { type: 'document', document: { id: 'media-2', filename: 'invoice.pdf', caption: 'x' } },
    ],
    ['a sticker', { type: 'sticker', sticker: { id: 'media-3' } }],
    [
      'a template with header and body parameters',
      {
        type: 'template',
        template: {
          name: 'order_ready',
          language: { code: 'en_US', policy: 'deterministic' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Acme' }] },
            { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
          ],
        },
      },
    ],
  ])('accepts %s', async (_, message) => {
    for (const id of ['media-1', 'media-2', 'media-3'])
      graph.holdMedia(id, { bytes: Buffer.from('x'), mimeType: 'image/png' });
    const { type: _text, text: _body, ...common } = text;
    expect((await post({ ...common, ...message })).status).toBe(200);
  });

  it.each([
    ['a text without body', { ...text, text: {} }, /text\['body'\]/],
    [
      'media with both id and link',
      { ...text, type: 'image', image: { id: 'm', link: 'https://x/y.png' } },
      /exactly one/,
    ],
    ['a caption on audio', { ...text, type: 'audio', audio: { id: 'm', caption: 'no' } }, /caption/],
    ['a template without language', { ...text, type: 'template', template: { name: 'x' } }, /language/],
    [
      'an empty component',
      {
        ...text,
        type: 'template',
        template: { name: 'x', language: { code: 'en' }, components: [{ type: 'body', parameters: [] }] },
      },
      /parameters/,
    ],
    ['an unknown type', { ...text, type: 'poll' }, /not a supported/],
    ['another product', { ...text, messaging_product: 'instagram' }, /messaging_product/],
  ])("refuses %s with Meta's invalid parameter error (100)", async (_, body, details) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { code: number; message: string; error_data: { details: string } };
    };
    expect(error).toMatchObject({ code: 100, message: '(#100) Invalid parameter' });
    expect(error.error_data.details).toMatch(details);
  });

  it('answers as scripted, in order, then accepts again', async () => {
    graph.script(
      graphErrors.reEngagement(),
      graphErrors.rateLimit(),
      graphErrors.unavailable(),
      graphErrors.undeliverable(),
    );
    const answers = [];
    for (let n = 0; n < 5; n++) {
      const response = await post(text);
      const body = (await response.json()) as { error?: { code: number } };
      answers.push([response.status, body.error?.code ?? 'ok']);
    }
    expect(answers).toEqual([
      [400, 131047],
      [400, 130429],
      [503, 2],
      [400, 131026],
      [200, 'ok'],
    ]);
  });

  it('lets a function choose the answer from the request', async () => {
    graph.otherwise((request) =>
      (request.body as { to: string }).to.endsWith('8')
        ? graphErrors.serverError()
        : { kind: 'accept', wamid: 'wamid.fixed' },
    );
    expect((await post(text)).status).toBe(500);
    expect(await (await post({ ...text, to: '33612345679' })).json()).toMatchObject({
      messages: [{ id: 'wamid.fixed' }],
    });
  });

  it('drops the connection after reading the whole request', async () => {
    graph.script({ kind: 'drop' });
    await expect(post(text)).rejects.toThrow();
    expect(graph.requests[0]).toMatchObject({ outcome: 'dropped', body: text });
  });

  it('hangs until released, and answers late requests in the meantime', async () => {
    graph.script({ kind: 'hang' });
    const pending = post(text);
    await graph.whenReceived(1);
    expect(graph.requests[0].outcome).toBeNull();
    expect((await post(text)).status).toBe(200);
    graph.releaseHung(graphErrors.rateLimit());
    expect((await pending).status).toBe(400);
  });

  it('answers after a latency', async () => {
    graph.script({ kind: 'delay', ms: 20, then: { kind: 'accept' } });
    const started = Date.now();
    expect((await post(text)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
  });

  it('refuses any other path like the Graph API does', async () => {
    const response = await post(text, { path: '/106540352242922/message_templates' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 100, type: 'GraphMethodException' } });
  });

  describe('POST /{phone-number-id}/media', () => {
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const upload = (fields: Record<string, string | Blob>, auth = token) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) {
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, 'photo.png');
      }
      return fetch(`${graph.url}/106540352242922/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}` },
        body: form,
      });
    };
    const file = () => new Blob([PNG], { type: 'image/png' });

    it('keeps the file and answers its id, which a message can then send', async () => {
      const response = await upload({ messaging_product: 'whatsapp', type: 'image/png', file: file() });
      expect(response.status).toBe(200);
      const { id } = (await response.json()) as { id: string };
      expect(id).toMatch(/^\d+$/);
      expect(graph.uploadedMedia(id)).toMatchObject({ bytes: PNG, mimeType: 'image/png', fileName: 'photo.png' });
      expect(graph.mediaUploads).toHaveLength(1);
      const { type: _text, text: _body, ...common } = text;
      expect((await post({ ...common, type: 'image', image: { id } })).status).toBe(200);
    });

    it("refuses a message with a media id Meta never gave, with Meta's invalid parameter error", async () => {
      const { type: _text, text: _body, ...common } = text;
      const response = await post({ ...common, type: 'image', image: { id: '123456' } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 100, error_data: { details: /media attachment ID/ } },
      });
    });

    it.each([
      ['no messaging_product', { type: 'image/png' }, /messaging_product/],
      ['an unsupported type', { messaging_product: 'whatsapp', type: 'image/gif' }, /type/],
      ['no file', { messaging_product: 'whatsapp', type: 'image/png' }, /file/],
    ])('refuses %s (400, code 100)', async (_, fields, details) => {
      const withFile = _ === 'no file' ? fields : { ...fields, file: file() };
      const response = await upload(withFile as Record<string, string | Blob>);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 100, error_data: { details } } });
    });

    it('refuses a wrong token (401, code 190), and answers scripted failures', async () => {
      expect((await upload({ messaging_product: 'whatsapp', type: 'image/png', file: file() }, 'x')).status).toBe(401);
      graph.scriptMediaUploads(graphErrors.serverError(503));
      expect((await upload({ messaging_product: 'whatsapp', type: 'image/png', file: file() })).status).toBe(503);
    });
  });

  it('answers 130429 past its messages per second on one number, and only on that number', async () => {
    await graph.close();
    let now = 1_000_000;
    graph = await FakeGraphApi.start({ accessToken: token, messagesPerSecond: 3, now: () => now });

    const burst = await Promise.all(Array.from({ length: 5 }, () => post(text)));
    expect(graph.requests.filter((request) => request.outcome === 400)).toHaveLength(2);
    const other = await post(text, { path: '/209999999999999/messages' });
    now += 999;
    const withinTheSecond = await post(text);
    now += 1;
    const nextSecond = await post(text);

    expect(burst.map((response) => response.status).sort()).toEqual([200, 200, 200, 400, 400]);
    expect(await burst.find((response) => response.status === 400)!.json()).toMatchObject({
      error: { code: 130429 },
    });
    expect(other.status).toBe(200);
    expect(withinTheSecond.status).toBe(400);
    expect(nextSecond.status).toBe(200);
  });
});

describe('The fake Graph API on a given port (simulate graph-api)', () => {
  const open: FakeGraphApi[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((graph) => graph.close()));
  });

  async function freePort(): Promise<number> {
    const probe = await FakeGraphApi.start({ accessToken: token });
    const port = Number(new URL(probe.baseUrl).port);
    await probe.close();
    return port;
  }

  it('listens on that port of 127.0.0.1 and on no other interface', async () => {
    const port = await freePort();
    const graph = await FakeGraphApi.start({ accessToken: token, port });
    open.push(graph);

    expect(graph.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${graph.url}/1/messages`, { method: 'POST' })).status).toBe(401); // answered: no token
    // Every other address of this machine refuses the connection (none but loopback: nothing more to try).
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal)
      .map((address) => (address!.family === 'IPv6' ? `[${address!.address.split('%')[0]}]` : address!.address));
    for (const host of [...others, '[::1]']) {
      await expect(fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    }
  });

  it('refuses to start on a port already taken', async () => {
    const taken = await FakeGraphApi.start({ accessToken: token });
    open.push(taken);

    await expect(FakeGraphApi.start({ accessToken: token, port: Number(new URL(taken.baseUrl).port) })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('tells onAccepted the wamid it answered for each message, not read receipts or refused ones', async () => {
    const accepted: AcceptedMessage[] = [];
    const graph = await FakeGraphApi.start({ accessToken: token, onAccepted: (message) => accepted.push(message) });
    open.push(graph);
    const send = (body: unknown, bearer = token) =>
      fetch(`${graph.url}/106540352242922/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body),
      });

    const answer = (await (await send({ ...text, to: '+33612345678' })).json()) as { messages: { id: string }[] };
    await send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in-1' });
    await send(text, 'other-token');
    await send({ ...text, text: {} });

    expect(accepted).toEqual([
      { wamid: answer.messages[0].id, phoneNumberId: '106540352242922', recipientWaId: '33612345678', type: 'text' },
    ]);
  });
});
