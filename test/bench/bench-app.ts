import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, type Position } from '@helpdesk/event-store';
import { mintAccessToken, type Role } from '@helpdesk/auth';
import { createApp } from '../../apps/api/src/create-app.js';
import { limitHeapGrowth } from '../../apps/api/src/memory/heap-growth.js';
import { BENCH_APP_SECRET, BENCH_JWT_SECRET } from './bench-env.js';
import type { HttpJob, HttpResult, LoadJob, LoadResult, WebhookJob, WebhookResult } from './load-generator.js';

/** The real service (Nest + Fastify + Mercurius, every module) in this process, listening on loopback. */
export interface BenchApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly store: EventStore;
  token(portalId: string, roles?: readonly Role[], userId?: string): string;
  /** A GraphQL request through Fastify's inject: the whole server path without a socket (server-side time). */
  graphql<T = unknown>(token: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startBenchApp(config: AppConfig): Promise<BenchApp> {
  // As main.ts does: the bench measures the service's memory as it runs.
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const fastify = app.getHttpAdapter().getInstance();
  return {
    app,
    baseUrl,
    store: app.get<EventStore>(EVENT_STORE),
    token: (portalId, roles = ['agent', 'admin'], userId = 'agent-1') =>
      mintAccessToken({ portalId, userId, roles, expiresInSeconds: 3600 }, BENCH_JWT_SECRET, new Date()),
    async graphql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fastify.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ query, variables }),
      });
      const body = JSON.parse(response.body) as { data?: T; errors?: unknown[] };
      if (response.statusCode !== 200 || body.errors)
        throw new Error(`GraphQL failed (${response.statusCode}): ${response.body.slice(0, 500)}`);
      return body.data as T;
    },
    close: () => app.close(),
  };
}

/**
 * `npm run projector` (the built one) on the bench's data directory, beside an API started with
 * PROJECTIONS=off: the service's default deployment (PROJECTIONS=child-process) without the
 * supervisor, so the scenario knows its pid and can read its CPU time.
 */
export function startProjectorProcess(dataDir: string): ChildProcess {
  const main = fileURLToPath(new URL('../../apps/projector/src/main.js', import.meta.url));
  return fork(main, [], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
      AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Runs one job in a separate Node process (see load-generator.ts) and returns what it measured. */
export function runLoad(job: WebhookJob): Promise<WebhookResult>;
export function runLoad(job: HttpJob): Promise<HttpResult>;
export function runLoad(job: LoadJob): Promise<WebhookResult | HttpResult> {
  const script = fileURLToPath(new URL('./load-generator.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.on('message', (message) => (result = message as LoadResult));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!result) return reject(new Error(`the load generator exited with ${code} and no result`));
      resolve(result.result);
    });
  });
}

/** The last event of `$all` (null for an empty store). */
export async function headOf(store: EventStore): Promise<Position | null> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }))
    return event.position;
  return null;
}

/** The last event whose stream passes `test`, searching back from the end. */
export async function lastEventWhere(
  store: EventStore,
  test: (streamName: string) => boolean,
): Promise<Position | null> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' }))
    if (test(event.streamName)) return event.position;
  return null;
}
