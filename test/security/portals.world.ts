import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import {
  EVENT_STORE,
  type EventStore,
  type Position,
  type RecordedEvent,
  comparePositions,
} from '@helpdesk/event-store';
import type { AppOverrides } from '../../apps/api/src/app.module.js';
import { type Role, mintAccessToken } from '@helpdesk/auth';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { InboxProcessor } from '../../apps/api/src/webhooks/inbox-processor.js';
import { SingleStreamName } from '@helpdesk/domain';

export const JWT_SECRET = 'security-suite-jwt-secret-long-enough-for-hs256';
export const APP_SECRET = 'security-suite-app-secret';
export const VERIFY_TOKEN = 'security-suite-verify-token';
export const STARTED_AT = '2024-11-05T09:00:00.000Z';
/** Streams background workers write on their own schedule: their checkpoints. */
const WORKER_CHECKPOINTS = new Set<string>(
  Object.values(SingleStreamName).filter((name) => name.endsWith('-checkpoint')),
);

export interface GraphqlAnswer {
  readonly status: number;
  readonly data: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: { code?: unknown } & Record<string, unknown> }[];
  /** The body as sent, for checks on everything the client saw. */
  readonly raw: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly raw: string;
  readonly headers: Record<string, unknown>;
}

export interface PortalsWorldOptions {
  /** More variables (WHATSAPP_ACCESS_TOKEN, GRAPHQL_RATE_LIMIT, LOG_LEVEL, ...). */
  readonly env?: Record<string, string>;
  readonly overrides?: Omit<AppOverrides, 'clock'>;
  /** A real socket too (subscriptions need one); requests otherwise go through Fastify's inject. */
  readonly listen?: boolean;
}

/** The booted service, webhooks on, driven through Fastify's `inject` (the whole server path, no socket). */
export async function openPortalsWorld(options: PortalsWorldOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'security-e2e-'));
  const clock = new TestClock(new Date(STARTED_AT));
  const env = {
    ...{ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: JWT_SECRET },
    ...{ WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, ...options.env },
  };
  const app: NestFastifyApplication = await createApp(loadConfig(env), { ...options.overrides, clock });
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  const store = app.get<EventStore>(EVENT_STORE);

  return {
    app,
    clock,
    store,
    bus: app.get(CommandBus),
    url: options.listen ? `${await app.getUrl()}/graphql` : '',
    token(portalId: string, roles: readonly Role[], userId = `${portalId}-user`, teamId = 'support'): string {
      return mintAccessToken(
        { portalId, userId, teamId, roles, expiresInSeconds: 7 * 86_400 },
        JWT_SECRET,
        clock.now(),
      );
    },
    async graphql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphqlAnswer> {
      const answer = await this.post('/graphql', JSON.stringify({ query, variables }), {
        'content-type': 'application/json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      });
      return { status: answer.status, raw: answer.raw, data: null, ...(parseJson(answer.raw) as object) };
    },
    post(url: string, payload: string | Buffer, headers: Record<string, string | string[]>): Promise<HttpAnswer> {
      return this.request('POST', url, headers, payload);
    },
    async request(
      method: 'GET' | 'POST',
      url: string,
      headers: Record<string, string | string[]>,
      payload?: string | Buffer,
    ): Promise<HttpAnswer> {
      const response = await fastify.inject({ method, url, headers, ...(payload !== undefined && { payload }) });
      return { status: response.statusCode, raw: response.body, headers: response.headers };
    },
    /**
     * The last position of `$all` (null while empty) but background workers' checkpoints: unchanged
     * means no request appended anything. Those checkpoints (the inbox processor's, written up to
     * 200 ms after the payloads it handled; the campaign runner's, once caught up on a log that had
     * none) can land in the middle of a request that itself appends nothing.
     */
    async head(): Promise<Position | null> {
      for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' }))
        if (!WORKER_CHECKPOINTS.has(event.streamName)) return event.position;
      return null;
    },
    /** Every event appended after `position` (all of them for null), oldest first, but background workers' checkpoints (see `head`). */
    async eventsAfter(position: Position | null): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      // Forwards from `position` (inclusive), so only the new rows are read, however long the log.
      for await (const event of store.readAll({ fromPosition: position ?? 'start' })) {
        if (WORKER_CHECKPOINTS.has(event.streamName)) continue;
        if (!position || comparePositions(event.position, position) > 0) events.push(event);
      }
      return events;
    },
    /**
     * The read models have caught up with the log; with `lastPayload`, the webhook inbox processor
     * has handled that payload first (it follows the inbox streams only, so it needs their position).
     */
    async settled(lastPayload?: Position): Promise<void> {
      if (lastPayload) await app.get(InboxProcessor).whenProcessed(lastPayload);
      const head = await this.head();
      if (head) await app.get(ProjectionsService).whenCaughtUp(head);
    },
    async close(): Promise<void> {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type PortalsWorld = Awaited<ReturnType<typeof openPortalsWorld>>;

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}
