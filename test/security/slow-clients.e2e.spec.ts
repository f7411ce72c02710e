import { createRequire } from 'node:module';
import { type Socket, connect } from 'node:net';
import type WebSocketClass from 'ws';
import { type PortalsWorld, openPortalsWorld } from './portals.world.js';

// `ws` is already installed (Mercurius uses it); Node 20 has no WebSocket client of its own.
const WebSocket = createRequire(import.meta.url)('ws') as typeof WebSocketClass;

const REQUEST_TIMEOUT_MS = 1_000;
const INIT_TIMEOUT_MS = 500;
const MAX_PAYLOAD = 4_096;
const MAX_SUBSCRIPTIONS = 3;

/**
 * Slow and idle clients over real sockets, with short timeouts configured: a body trickled in
 * byte by byte is cut off once the request has taken HTTP_REQUEST_TIMEOUT_MS (its socket is never
 * idle, so only a whole-request timeout can end it); a WebSocket that never sends connection_init
 * is closed after WS_CONNECTION_INIT_TIMEOUT_MS with 4408; one that sends more than
 * WS_MAX_PAYLOAD_BYTES at once is closed with 1009. A client that does its part is left alone.
 */
describe('slow and idle clients', () => {
  let world: PortalsWorld;
  let port: number;

  beforeAll(async () => {
    const env = {
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_CONNECTION_TIMEOUT_MS: '5000',
      WS_CONNECTION_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS),
      WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
      WS_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
    };
    world = await openPortalsWorld({ listen: true, env });
    port = Number(new URL(world.url).port);
  });

  afterAll(() => world.close());

  it('cuts off a webhook body trickled one byte every 100 ms once the request timeout has passed', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] }).padEnd(4 * 1024 * 1024 - 16, ' ');
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(body[sent++]);
    }, 100);
    const closedAfter = await closedWithin(socket, 10 * REQUEST_TIMEOUT_MS);
    clearInterval(trickle);
    const answer = Buffer.concat(received).toString('utf8');
    expect({ closed: closedAfter !== null, answered: answer.slice(0, 12) }).toEqual({
      closed: true,
      answered: 'HTTP/1.1 408',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(sent).toBeLessThan(body.length);
  });

  it('closes a WebSocket that never sends connection_init with 4408, and keeps one that did', async () => {
    const silent = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const polite = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const acked = new Promise((resolve) =>
      polite.on('message', (data: Buffer) => JSON.parse(String(data)).type === 'connection_ack' && resolve(true)),
    );
    await Promise.all([opened(silent), opened(polite)]);
    polite.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${world.token('acme', ['agent'])}` },
      }),
    );
    const [close] = await Promise.all([closeOf(silent, 10 * INIT_TIMEOUT_MS), acked]);
    expect(close).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    // The accepted one outlives the init timeout: only a connection that never initialised is closed.
    await new Promise((resolve) => setTimeout(resolve, 2 * INIT_TIMEOUT_MS));
    expect(polite.readyState).toBe(WebSocket.OPEN);
    polite.close();
  });

  it('closes a WebSocket that sends a message over the size limit with 1009', async () => {
    const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await opened(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(MAX_PAYLOAD) } }));
    expect((await closeOf(socket, 5_000))?.code).toBe(1009);
  });
});

describe('subscriptions per WebSocket', () => {
  let world: PortalsWorld;

  beforeAll(async () => {
    world = await openPortalsWorld({ listen: true, env: { WS_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS) } });
  });

  afterAll(() => world.close());

  it(`keeps ${MAX_SUBSCRIPTIONS} at once (a completed one frees its place) and closes the socket with 1008 at one more`, async () => {
    const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await opened(socket);
    const acked = new Promise((resolve) =>
      socket.on('message', (data: Buffer) => JSON.parse(String(data)).type === 'connection_ack' && resolve(true)),
    );
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${world.token('acme', ['agent'])}` },
      }),
    );
    await acked;
    const subscribe = (id: string) =>
      socket.send(
        JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { ticketChanged { ticketId } }' } }),
      );
    const closed = closeOf(socket, 5_000);
    for (const id of ['1', '2', '3']) subscribe(id);
    socket.send(JSON.stringify({ id: '1', type: 'complete' }));
    subscribe('4');
    // Three at once, all accepted: the socket is still open once the server has answered a ping.
    const pong = new Promise((resolve) =>
      socket.on('message', (data: Buffer) => JSON.parse(String(data)).type === 'pong' && resolve(true)),
    );
    socket.send(JSON.stringify({ type: 'ping' }));
    await pong;
    expect(socket.readyState).toBe(WebSocket.OPEN);
    subscribe('5');
    expect((await closed)?.code).toBe(1008);
  });
});

function opened(socket: WebSocketClass): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocketClass, withinMs: number): Promise<{ code: number; reason: string } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), withinMs);
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

/** Milliseconds until the server closed the socket, or null if it was still open after `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<number | null> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}
