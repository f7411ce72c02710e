import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@helpdesk/config';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { createApp } from '../create-app.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { type GraphqlAnswer, SECRET, type TicketsWorld, phoneNumberId } from '../conversation/tickets.test-world.js';

export const REBUILD_JOB =
  'projection state fresh build error startedAt finishedAt progress { phase eventsRead eventsHandled fraction eventsPerSecond etaSeconds resumed }';
export const REBUILD = `mutation Rebuild($name: String!, $fresh: Boolean, $batchSize: Int) {
  rebuildProjection(name: $name, fresh: $fresh, batchSize: $batchSize) { ${REBUILD_JOB} }
}`;
export const REBUILD_JOB_QUERY = `query Job($name: String!) { projectionRebuild(name: $name) { ${REBUILD_JOB} } }`;
export const STATUSES = `{ projections { name state position lagEvents liveBuild rulesVersion currentRulesVersion stale
  pendingRebuild { build state startedAt error } rebuild { ${REBUILD_JOB} } } }`;

export interface RebuildJob {
  projection: string;
  state: 'RUNNING' | 'SWITCHED' | 'FAILED' | 'INTERRUPTED';
  fresh: boolean;
  build: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  progress: {
    phase: string;
    eventsRead: number;
    eventsHandled: number;
    fraction: number;
    etaSeconds: number | null;
    resumed: boolean;
  } | null;
}

export interface StatusRow {
  name: string;
  state: string;
  position: string | null;
  lagEvents: number;
  liveBuild: number | null;
  rulesVersion: string | null;
  currentRulesVersion: string | null;
  stale: boolean;
  pendingRebuild: { build: number; state: string; startedAt: string; error: string | null } | null;
  rebuild: RebuildJob | null;
}

export type Graphql = TicketsWorld['graphql'];

/** `count` contacts write to acme's number, one conversation (and ticket) each; resolves with their ids once every projection has them. */
export async function seedConversations(world: TicketsWorld, count: number, prefix = 'seed'): Promise<string[]> {
  const conversationIds: string[] = [];
  for (let index = 0; index < count; index++) {
    const from = `+3361${String(index).padStart(7, '0')}`;
    const message = {
      phoneNumberId,
      wamid: `wamid.${prefix}-${index}`,
      from,
      sentAt: world.clock.now().toISOString(),
      content: { kind: 'text' as const, body: `Question ${index}` },
    };
    conversationIds.push((await world.bus.execute(new ReceiveInboundMessageCommand(message))).conversationId);
  }
  await world.app.get(ProjectionsService).whenCaughtUp();
  return conversationIds;
}

/** Polls `probe` until `done` holds of its answer; fails after `timeoutMs`. For background jobs, which nothing can be awaited on. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The latest rebuild job of `name`, polled until it is no longer RUNNING. */
export async function rebuildEnded(graphql: Graphql, token: string, name: string): Promise<RebuildJob> {
  const answer = await eventually(
    () => graphql(REBUILD_JOB_QUERY, { name }, token),
    (current) => (current.data?.projectionRebuild as RebuildJob | null)?.state !== 'RUNNING',
  );
  return answer.data?.projectionRebuild as RebuildJob;
}

export function statusOf(answer: GraphqlAnswer, name: string): StatusRow {
  const status = (answer.data?.projections as StatusRow[] | undefined)?.find((row) => row.name === name);
  if (!status) throw new Error(`no status for ${name}: ${answer.raw}`);
  return status;
}

/** A second service on the world's DATA_DIR and clock, as after a restart. */
export async function restart(world: TicketsWorld): Promise<{ app: NestFastifyApplication; graphql: Graphql }> {
  const env = { DATA_DIR: world.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET };
  const app = await createApp(loadConfig(env), { clock: world.clock });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`;
  const graphql: Graphql = async (query, variables = {}, token) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    };
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const raw = await response.text();
    return { status: response.status, raw, ...(JSON.parse(raw) as Omit<GraphqlAnswer, 'status' | 'raw'>) };
  };
  return { app, graphql };
}
