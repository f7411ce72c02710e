import type { AppConfig } from '@helpdesk/config';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { type AuthenticatedUser, InvalidAccessToken, readAccessToken } from '@helpdesk/auth';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { accessTokenKeysOf } from '../auth/access-token-keys.js';

/** What a WebSocket connection carries once its `connection_init` was accepted. */
export interface SubscriberContext {
  /** AuthGuard takes the caller from here instead of an HTTP header (it only fills it when absent). */
  readonly currentUser: AuthenticatedUser;
  /** The token's `exp`: subscriptions end then, and the client reconnects with a fresh token. */
  readonly accessExpiresAt: Date;
}

/** Proxies and load balancers drop idle connections after a minute or so; a ping keeps them open. */
const KEEP_ALIVE_MS = 25_000;

/**
 * Subscriptions over WebSocket at the GraphQL path (protocols `graphql-transport-ws`, as the
 * `graphql-ws` client speaks it, and the older `graphql-ws`). The bearer token travels in the
 * `connection_init` payload (`connectionParams`): `{ "authorization": "Bearer <token>" }`. It is
 * verified like the HTTP header, and a connection without a valid one is refused before any
 * operation. Browsers send cookies, not this payload, with a cross-site WebSocket, so there is
 * nothing for another site to ride on.
 */
export function subscriptionOptions(
  config: AppConfig,
  clock: Clock,
): NonNullable<MercuriusDriverConfig['subscription']> {
  return {
    keepAlive: KEEP_ALIVE_MS,
    // Mercurius calls this when a connection_init arrives, with the socket: the init timeout's cue.
    context: (socket: object) => {
      initialised.add(socket);
      return {};
    },
    onConnect: async ({ payload }: { payload: unknown }): Promise<SubscriberContext | false> => {
      const token = bearerTokenIn(payload);
      if (!token) return false;
      try {
        const currentUser = await readAccessToken(token, accessTokenKeysOf(config), clock.now());
        return { currentUser, accessExpiresAt: expiryOf(token) };
      } catch (error) {
        if (error instanceof InvalidAccessToken) return false;
        throw error;
      }
    },
  };
}

function bearerTokenIn(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const fields = payload as Record<string, unknown>;
  const nested =
    typeof fields.headers === 'object' && fields.headers !== null ? (fields.headers as Record<string, unknown>) : {};
  const value = fields.authorization ?? fields.Authorization ?? nested.authorization ?? nested.Authorization;
  return typeof value === 'string' ? /^Bearer +(\S+) *$/i.exec(value)?.[1] : undefined;
}

/** Only called on a token readAccessToken accepted, so the payload is JSON with a numeric `exp`. */
function expiryOf(token: string): Date {
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  return new Date(exp * 1000);
}

/** Sockets that sent connection_init (whether or not it was accepted: a refused one is closed by Mercurius). */
const initialised = new WeakSet<object>();

interface ClosableSocket {
  readonly readyState: number;
  /** The subprotocol the client and server agreed on: `graphql-transport-ws` or the older `graphql-ws`. */
  readonly protocol: string;
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  send(data: unknown, ...rest: unknown[]): void;
}

export interface WebSocketLimits {
  /** WS_CONNECTION_INIT_TIMEOUT_MS */
  readonly initTimeoutMs: number;
  /** WS_MAX_SUBSCRIPTIONS */
  readonly maxSubscriptions: number;
}

/**
 * Mercurius refuses a connection with a `connection_error` message, which the older graphql-ws
 * protocol has but graphql-transport-ws does not: a `graphql-ws` client takes it for a broken server
 * (4004 "Bad response"). For graphql-transport-ws the refusal becomes the close the protocol names:
 * a connection_init that onConnect refused (no or a bad token) closes with 4403 Forbidden, an
 * operation before the connection was acknowledged with 4401 Unauthorized.
 */
const REFUSALS: Readonly<Record<string, { code: number; reason: string }>> = {
  Forbidden: { code: 4403, reason: 'Forbidden' },
  'Connection has not been established yet.': { code: 4401, reason: 'Unauthorized' },
};

export function closeRefusedConnections(server: {
  on(event: 'connection', listener: (socket: ClosableSocket) => void): unknown;
}): void {
  server.on('connection', (socket) => {
    if (socket.protocol !== 'graphql-transport-ws') return;
    const send = socket.send.bind(socket);
    socket.send = (data: unknown, ...rest: unknown[]) => {
      const refusal = refusalIn(data);
      if (!refusal) return send(data, ...rest);
      if (socket.readyState === OPEN) socket.close(refusal.code, refusal.reason);
      // Mercurius waits for the message to be sent before it closes the connection itself.
      const sent = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      sent?.();
    };
  });
}

function refusalIn(data: unknown): { code: number; reason: string } | undefined {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown; payload?: { message?: unknown } };
    if (message.type !== 'connection_error') return undefined;
    const known = typeof message.payload?.message === 'string' ? REFUSALS[message.payload.message] : undefined;
    return known ?? { code: 4403, reason: 'Forbidden' };
  } catch {
    return undefined;
  }
}

/** Client messages that start or stop an operation, in graphql-transport-ws and the older graphql-ws. */
const STARTS = new Set(['subscribe', 'start']);
const STOPS = new Set(['complete', 'stop']);
/** Server messages that end an operation. */
const ENDS = new Set(['complete', 'error']);

/**
 * Limits of every WebSocket, watched from @fastify/websocket's server (Mercurius has neither):
 * - one that has not sent `connection_init` WS_CONNECTION_INIT_TIMEOUT_MS after it opened is
 *   closed with 4408 (graphql-ws's "Connection initialisation timeout"), so a silent socket holds
 *   nothing for long;
 * - one that starts more than WS_MAX_SUBSCRIPTIONS operations at once is closed with 1008 (policy
 *   violation), which ends all of them. Operations are counted from the messages both ways: a
 *   `complete` from either side or an `error` from the server ends one.
 */
export function limitWebSockets(
  server: { on(event: 'connection', listener: (socket: ClosableSocket) => void): unknown },
  limits: WebSocketLimits,
): void {
  server.on('connection', (socket) => {
    const timer = setTimeout(() => {
      if (!initialised.has(socket) && socket.readyState === OPEN)
        socket.close(4408, 'Connection initialisation timeout');
    }, limits.initTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));

    const active = new Set<string>();
    operationsOf.set(socket, active);
    socket.on('message', (data) => {
      const message = messageOf(data);
      if (!message) return;
      if (STARTS.has(message.type)) active.add(message.id);
      else if (STOPS.has(message.type)) active.delete(message.id);
      if (active.size > limits.maxSubscriptions && socket.readyState === OPEN) {
        socket.close(1008, `More than ${limits.maxSubscriptions} subscriptions on one connection`);
      }
    });
    const send = socket.send.bind(socket);
    socket.send = (data: unknown, ...rest: unknown[]) => {
      const message = messageOf(data);
      if (message && ENDS.has(message.type)) active.delete(message.id);
      send(data, ...rest);
    };
  });
}

/** Each socket's operations under way, as limitWebSockets counts them. */
const operationsOf = new WeakMap<object, ReadonlySet<string>>();

/**
 * The WebSockets open on the server (the `ws` server's own tracking: a socket leaves it when it
 * closes) and the operations under way on them, for the metrics. Reads each open socket once.
 */
export function webSocketCounts(server: { readonly clients: ReadonlySet<object> }): {
  connections: number;
  operations: number;
} {
  let operations = 0;
  for (const socket of server.clients) operations += operationsOf.get(socket)?.size ?? 0;
  return { connections: server.clients.size, operations };
}

/** `{ type, id }` of a protocol message, or null; the payload is at most WS_MAX_PAYLOAD_BYTES. */
function messageOf(data: unknown): { type: string; id: string } | null {
  try {
    const parsed = JSON.parse(String(data)) as { type?: unknown; id?: unknown };
    return typeof parsed.type === 'string' ? { type: parsed.type, id: String(parsed.id ?? '') } : null;
  } catch {
    return null;
  }
}

const OPEN = 1;
