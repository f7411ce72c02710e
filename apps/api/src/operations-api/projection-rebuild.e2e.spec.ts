import { rmSync } from 'node:fs';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ProjectionsService } from '../projections/projections.service.js';
import { RECEIVED_AT, type TicketsWorld, acme, openTicketsWorld } from '../conversation/tickets.test-world.js';
import {
  REBUILD,
  REBUILD_JOB_QUERY,
  type RebuildJob,
  STATUSES,
  eventually,
  rebuildEnded,
  restart,
  seedConversations,
  statusOf,
} from './operations.test-world.js';
import { ProjectionRebuilds } from './projection-rebuilds.service.js';

const TICKET_LIST = 'ticket_list';
const TICKETS = `{ tickets(first: 100) { totalCount nodes { id conversationId preview } } }`;
const CONVERSATIONS = 60;

/** `rebuildProjection` / `projectionRebuild` over HTTP: a blue/green rebuild run in the background of the booted service. */
describe('projection rebuilds over GraphQL', () => {
  let world: TicketsWorld;
  let operator: string;
  let agent: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    await seedConversations(world, CONVERSATIONS);
    operator = await world.token(acme, 'operator', 'ops-1');
    agent = await world.token(acme, 'agent');
  });

  afterAll(() => world.close());

  it('rebuilds in the background and switches in: projections then shows the new build serving and no pending rebuild', async () => {
    const before = statusOf(await world.graphql(STATUSES, {}, operator), TICKET_LIST);
    expect(before).toMatchObject({ liveBuild: 0, pendingRebuild: null, rebuild: null, stale: false });

    const started = await world.graphql(REBUILD, { name: TICKET_LIST }, operator);
    expect(started.errors).toBeUndefined();
    expect(started.data?.rebuildProjection).toMatchObject({
      projection: TICKET_LIST,
      state: 'RUNNING',
      fresh: false,
      error: null,
      finishedAt: null,
    });

    const job = await rebuildEnded(world.graphql, operator, TICKET_LIST);
    expect(job).toMatchObject({
      state: 'SWITCHED',
      build: 1,
      error: null,
      progress: { phase: 'SWITCHED', fraction: 1, resumed: false },
    });
    expect(job.progress!.eventsHandled).toBeGreaterThan(CONVERSATIONS);
    expect(job.finishedAt).toEqual(expect.any(String));

    const after = statusOf(await world.graphql(STATUSES, {}, operator), TICKET_LIST);
    expect(after).toMatchObject({
      liveBuild: 1,
      pendingRebuild: null,
      stale: false,
      rebuild: { state: 'SWITCHED', build: 1 },
    });
    expect(after.rulesVersion).toBe(after.currentRulesVersion);
    // The switched-in tables serve every ticket, and the live runner goes on writing them.
    const tickets = await world.graphql(TICKETS, {}, agent);
    expect((tickets.data?.tickets as { totalCount: number }).totalCount).toBe(CONVERSATIONS);
    const receipt = await world.receive('wamid.after-switch', 'Written after the switch');
    await world.app.get(ProjectionsService).whenCaughtUp(receipt.position ?? undefined);
    const nodes = (
      (await world.graphql(TICKETS, {}, agent)).data?.tickets as {
        nodes: { conversationId: string; preview: string }[];
      }
    ).nodes;
    expect(nodes.find((node) => node.conversationId === receipt.conversationId)?.preview).toBe(
      'Written after the switch',
    );
  });

  it('keeps answering ticket queries while a rebuild runs', async () => {
    const started = await world.graphql(REBUILD, { name: TICKET_LIST, batchSize: 1 }, operator);
    expect(started.errors).toBeUndefined();
    const answers: { errors?: unknown; total?: number }[] = [];
    let roundsAnsweredWhileRunning = 0;
    for (let state = 'RUNNING'; state === 'RUNNING';) {
      const round = await Promise.all(Array.from({ length: 4 }, () => world.graphql(TICKETS, {}, agent)));
      answers.push(
        ...round.map((answer) => ({
          errors: answer.errors,
          total: (answer.data?.tickets as { totalCount: number } | undefined)?.totalCount,
        })),
      );
      state = (
        (await world.graphql(REBUILD_JOB_QUERY, { name: TICKET_LIST }, operator)).data?.projectionRebuild as RebuildJob
      ).state;
      // Still running once all four answered: they were answered during the rebuild.
      if (state === 'RUNNING') roundsAnsweredWhileRunning++;
    }
    expect(roundsAnsweredWhileRunning).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.errors === undefined && answer.total === CONVERSATIONS + 1)).toBe(true);
    expect(await rebuildEnded(world.graphql, operator, TICKET_LIST)).toMatchObject({ state: 'SWITCHED', build: 2 });
  });

  it('refuses a second rebuild of a projection being rebuilt (REBUILD_RUNNING), not of another one', async () => {
    const first = await world.graphql(REBUILD, { name: TICKET_LIST, batchSize: 1 }, operator);
    expect(first.errors).toBeUndefined();
    const again = await world.graphql(REBUILD, { name: TICKET_LIST }, operator);
    expect(again.data).toBeNull();
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'REBUILD_RUNNING', projection: TICKET_LIST } });
    const other = await world.graphql(REBUILD, { name: 'thread' }, operator);
    expect(other.data?.rebuildProjection).toMatchObject({ projection: 'thread', state: 'RUNNING' });
    expect(await rebuildEnded(world.graphql, operator, TICKET_LIST)).toMatchObject({ state: 'SWITCHED', build: 3 });
    expect(await rebuildEnded(world.graphql, operator, 'thread')).toMatchObject({ state: 'SWITCHED', build: 1 });
  });

  it('refuses agents, auditors and portal admins (FORBIDDEN), and names bad input', async () => {
    for (const roles of ['agent', 'auditor', 'admin']) {
      const token = await world.token(acme, roles);
      for (const [query, variables] of [
        [REBUILD, { name: TICKET_LIST }],
        [REBUILD_JOB_QUERY, { name: TICKET_LIST }],
      ] as const) {
        const answer = await world.graphql(query, variables, token);
        const fields = Object.values(answer.data ?? {});
        expect({
          roles,
          answered: fields.filter((field) => field !== null),
          code: answer.errors?.[0].extensions?.code,
        }).toEqual({ roles, answered: [], code: 'FORBIDDEN' });
      }
    }
    const job = await world.graphql(REBUILD_JOB_QUERY, { name: TICKET_LIST }, operator);
    expect(job.data?.projectionRebuild).toMatchObject({ state: 'SWITCHED', build: 3 });

    const unknown = await world.graphql(REBUILD, { name: 'no_such_projection' }, operator);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'name' }] });
    expect(unknown.errors?.[0].message).toContain(TICKET_LIST);
    const badBatch = await world.graphql(REBUILD, { name: TICKET_LIST, batchSize: 0 }, operator);
    expect(badBatch.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'batchSize' }] });
    const never = await world.graphql(REBUILD_JOB_QUERY, { name: 'quota' }, operator);
    expect(never.data).toEqual({ projectionRebuild: null });
  });
});

describe('a rebuild running at shutdown', () => {
  it('stops after its batch, and the restarted service resumes the same build', async () => {
    const world = await openTicketsWorld();
    let closed = false;
    let restarted: Awaited<ReturnType<typeof restart>> | undefined;
    try {
      world.clock.set(RECEIVED_AT);
      await seedConversations(world, CONVERSATIONS);
      const operator = await world.token(acme, 'operator', 'ops-1');
      expect((await world.graphql(REBUILD, { name: TICKET_LIST, batchSize: 1 }, operator)).errors).toBeUndefined();
      const rebuilds = world.app.get(ProjectionRebuilds);
      await eventually(
        async () => rebuilds.latest(TICKET_LIST),
        (job) => (job?.progress?.eventsRead ?? 0) >= 5,
      );

      await world.app.close();
      closed = true;

      const interrupted = rebuilds.latest(TICKET_LIST)!;
      expect(interrupted).toMatchObject({ state: 'interrupted', build: 1, error: null });
      expect(interrupted.finishedAt).toBeInstanceOf(Date);
      expect(interrupted.progress!.fraction).toBeLessThan(1);

      restarted = await restart(world);
      const pending = statusOf(await restarted.graphql(STATUSES, {}, operator), TICKET_LIST);
      expect(pending).toMatchObject({
        liveBuild: 0,
        pendingRebuild: { build: 1, state: 'BUILDING', error: null },
        rebuild: null,
      });

      expect((await restarted.graphql(REBUILD, { name: TICKET_LIST }, operator)).errors).toBeUndefined();
      const resumed = await rebuildEnded(restarted.graphql, operator, TICKET_LIST);
      expect(resumed).toMatchObject({ state: 'SWITCHED', build: 1, progress: { resumed: true } });
      // The second run read on from the first one's checkpoint: together they read the log once.
      let logLength = 0;
      for await (const _event of restarted.app.get<EventStore>(EVENT_STORE).readAll()) logLength++;
      expect(interrupted.progress!.eventsRead + resumed.progress!.eventsRead).toBe(logLength);
      expect(statusOf(await restarted.graphql(STATUSES, {}, operator), TICKET_LIST)).toMatchObject({
        liveBuild: 1,
        pendingRebuild: null,
      });
    } finally {
      if (!closed) await world.app.close();
      await restarted?.app.close();
      rmSync(world.dataDir, { recursive: true, force: true });
    }
  });
});
