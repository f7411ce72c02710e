import { createHmac } from 'node:crypto';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { acme, openTicketsWorld, type TicketsWorld } from '../conversation/tickets.test-world.js';

const APP_SECRET = 'request-logging-app-secret';
const CREATE_VIEW = 'mutation CreateMyView($i: CreateViewInput!) { createView(input: $i) { viewId position } }';

/**
 * Over HTTP, logging at info into lines the test reads: the request id a client sends is echoed and
 * becomes its events' correlation id only if it is a short id of safe characters; every line of a
 * request carries it; a GraphQL request's line names its operation, never its variables or token.
 */
describe('request ids and request logs', () => {
  let world: TicketsWorld;
  let url: string;
  const lines: string[] = [];

  beforeAll(async () => {
    // Another application first, in the same process: each writes to its own destination.
    await (await openTicketsWorld({ logDestination: { write: () => undefined } })).close();
    const logDestination = { write: (line: string) => void lines.push(line) };
    // debug: the webhook's own line is a debug one.
    world = await openTicketsWorld({ logDestination }, { LOG_LEVEL: 'debug', WHATSAPP_APP_SECRET: APP_SECRET });
    url = `${await world.app.getUrl()}/graphql`;
  });

  afterAll(() => world.close());

  it("writes Nest's own lines to this application's destination", () => {
    expect(lines.some((line) => line.includes('Nest application successfully started'))).toBe(true);
  });

  async function createView(headers: Record<string, string>, name: string) {
    const token = await world.token(acme, 'agent');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query: CREATE_VIEW, variables: { i: { name, sharing: 'ONLY_ME', filters: [] } } }),
    });
    const body = (await response.json()) as { data: { createView: { viewId: string } } };
    return { requestId: response.headers.get('x-request-id'), token, viewId: body.data.createView.viewId };
  }

  async function eventOfView(viewId: string): Promise<RecordedEvent> {
    const store = world.app.get<EventStore>(EVENT_STORE);
    for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' }))
      if ((event.data as { viewId?: string }).viewId === viewId) return event;
    throw new Error(`No event of view ${viewId}`);
  }

  /** pino-http writes its line when the response is finished, which may be just after the client has it. */
  async function linesOf(requestId: string): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((l) => l.reqId === requestId);
      if (found.some((line) => line.msg === 'request completed') || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("echoes the client's request id and makes it the correlation id of the events the request recorded", async () => {
    const { requestId, viewId } = await createView({ 'x-request-id': 'client-req.42:a_b-C' }, 'Mine');
    expect(requestId).toBe('client-req.42:a_b-C');
    expect((await eventOfView(viewId)).metadata).toMatchObject({
      correlationId: 'client-req.42:a_b-C',
      tenantId: acme,
    });
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces and quotes', 'req "1" ok'],
    ['with a slash', 'a/b'],
    ['of a forged log line', 'x\\n{"level":60}'],
  ])('replaces a request id %s by a fresh UUID, echoed and used as the correlation id', async (_case, claimed) => {
    const { requestId, viewId } = await createView({ 'x-request-id': claimed }, `View ${_case}`);
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await eventOfView(viewId)).metadata.correlationId).toBe(requestId);
    expect(lines.some((line) => line.includes(claimed.slice(0, 60)))).toBe(false);
  });

  it('gives a request without one a fresh UUID, different every time', async () => {
    const first = await createView({}, 'First');
    const second = await createView({}, 'Second');
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.requestId).not.toBe(second.requestId);
    expect((await eventOfView(second.viewId)).metadata.correlationId).toBe(second.requestId);
  });

  it("logs a GraphQL request's operation under its request id, never its variables, token or cookies", async () => {
    const { requestId, token } = await createView(
      { 'x-request-id': 'logged-op-1', cookie: 'session=cookie-secret-123' },
      'Secret view name 9f2c',
    );
    const logged = await linesOf('logged-op-1');
    expect(requestId).toBe('logged-op-1');
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        graphql: { operationType: 'mutation', operationName: 'CreateMyView' },
        req: expect.objectContaining({ method: 'POST', url: '/graphql' }),
        res: { statusCode: 200 },
      }),
    );
    const everything = lines.join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('cookie-secret-123');
    expect(everything).not.toContain('Secret view name 9f2c');
    expect(everything.toLowerCase()).not.toContain('authorization');
  });

  it('carries the request id on the lines logged while handling the request, not only the last', async () => {
    // An anonymous operation other than serviceHealth: refused before parsing, which is logged too.
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'anonymous-try' },
      body: JSON.stringify({ query: 'query Peek { tickets { totalCount } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('anonymous-try');
    const logged = await linesOf('anonymous-try');
    const messages = logged.map((line) => line.msg);
    expect(messages).toContain('request completed');
    expect(messages).toContainEqual(expect.stringMatching(/bearer token is required/i));
  });

  it('echoes the request id on routes other than GraphQL, and logs them under it', async () => {
    const response = await fetch(`${await world.app.getUrl()}/health/live`, { headers: { 'x-request-id': 'probe-7' } });
    expect(response.headers.get('x-request-id')).toBe('probe-7');
    expect(await linesOf('probe-7')).toContainEqual(
      expect.objectContaining({ msg: 'request completed', req: expect.objectContaining({ url: '/health/live' }) }),
    );
  });

  it('logs a request once: Fastify writes no line of its own for it, even for an unknown route', async () => {
    const response = await fetch(`${await world.app.getUrl()}/nowhere`, { headers: { 'x-request-id': 'lost-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('lost-1');
    const logged = await linesOf('lost-1');
    expect(logged).toEqual([expect.objectContaining({ msg: 'request completed', res: { statusCode: 404 } })]);
  });

  it("carries the request id on Nest's own lines of a webhook request, next to the payload's event id", async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba-1', changes: [] }] });
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    const response = await fetch(`${await world.app.getUrl()}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'x-request-id': 'meta-1' },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('meta-1');
    expect(await linesOf('meta-1')).toContainEqual(
      expect.objectContaining({ msg: 'WhatsApp webhook stored', payloadEventId: expect.any(String) }),
    );
  });
});
