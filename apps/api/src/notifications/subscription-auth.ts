import type { AppConfig } from '@helpdesk/config';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { type AuthenticatedUser, InvalidAccessToken, readAccessToken } from '../auth/access-token.js';
import type { Clock } from '../shared/clock.js';

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
export function subscriptionOptions(config: AppConfig, clock: Clock): NonNullable<MercuriusDriverConfig['subscription']> {
  return {
    keepAlive: KEEP_ALIVE_MS,
    // Mercurius calls this when a connection_init arrives, with the socket: the init timeout's cue.
    context: (socket: object) => {
      initialised.add(socket);
      return {};
    },
    onConnect: ({ payload }: { payload: unknown }): SubscriberContext | false => {
      const token = bearerTokenIn(payload);
      if (!token) return false;
      try {
        const currentUser = readAccessToken(token, config.auth.jwtSecret, clock.now());
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
  const nested = typeof fields.headers === 'object' && fields.headers !== null ? (fields.headers as Record<string, unknown>) : {};
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
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * WS_CONNECTION_INIT_TIMEOUT_MS: a WebSocket that has not sent `connection_init` this long after
 * it opened is closed with 4408 (graphql-ws's "Connection initialisation timeout"), so an idle
 * socket holds nothing for long. `server` is @fastify/websocket's WebSocketServer.
 */
export function closeUninitialisedSockets(server: { on(event: 'connection', listener: (socket: ClosableSocket) => void): unknown }, timeoutMs: number): void {
  server.on('connection', (socket) => {
    const timer = setTimeout(() => {
      if (!initialised.has(socket) && socket.readyState === OPEN) socket.close(4408, 'Connection initialisation timeout');
    }, timeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

const OPEN = 1;
