import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { SingleStreamName } from '@helpdesk/domain';
import { type Position, StreamCheckpoint, openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import {
  HOUR,
  type World,
  admin,
  inboundMessage,
  openWorld,
  phoneNumberId,
  template,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { StartCampaignCommand, StartCampaignHandler } from '@helpdesk/commands/campaign/start-campaign.handler.js';
import { CreateViewCommand, CreateViewHandler } from '@helpdesk/commands/view/create-view.handler.js';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { runHelpdesk } from '../cli.test-world.js';
import { runProjections } from './projections.command.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const ticketListVersion = REGISTERED_PROJECTIONS.find((projection) => projection.name === 'ticket_list')!.version;
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

describe('helpdesk projections against a temporary DATA_DIR', () => {
  let world: World;
  let dataDir: string;
  let checkpoint: Position;

  /** Events by the real handlers, every registered projection run over them into DATA_DIR's read store. */
  beforeEach(async () => {
    world = await openWorld({ connectedAt });
    dataDir = world.dataDir;
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    // So that every projection, the views and campaigns ones included, has events to handle.
    const creator = { portalId: admin.portalId, actor: { kind: 'user' as const, id: 'agent-1' } };
    await new CreateViewHandler(world.store, world.clock).execute(
      new CreateViewCommand(creator, { viewId: 'mine', name: 'Mine', sharing: 'only_me', filters: [] }),
    );
    await new StartCampaignHandler(world.store, world.clock).execute(
      new StartCampaignCommand(
        { ...creator, idempotencyKey: 'campaign-1' },
        { fromPhoneNumberId: phoneNumberId, template, recipients: [{ contactId: 'c-1', parameters: { body: [] } }] },
      ),
    );
    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
    try {
      for (const projection of REGISTERED_PROJECTIONS) {
        const runner = new ProjectionRunner(world.store, readStore.db, projection);
        await runner.start();
        await runner.whenCaughtUp();
        await runner.stop();
      }
    } finally {
      await readStore.close();
    }
    for await (const event of world.store.readAll({ direction: 'backwards', maxCount: 1 })) checkpoint = event.position;
  });

  afterEach(async () => {
    await world.store.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function helpdesk(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    await world.store.close().catch(() => undefined);
    return runHelpdesk(dataDir, ...argv);
  }

  function rowOf(table: string, name: string): string[] {
    const line = table.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    if (!line) throw new Error(`no row for ${name} in\n${table}`);
    return line.split(/ {2,}/);
  }

  it('status: one row per registered projection, caught up, with checkpoint, handled events and rows', async () => {
    const { code, stdout } = await helpdesk('projections', 'status');

    expect(code).toBe(0);
    const [header] = stdout.split('\n');
    expect(header.split(/ {2,}/)).toEqual([
      'PROJECTION',
      'VERSION',
      'POSITION',
      'HANDLED',
      'LAG EVENTS',
      'LAG TIME',
      'LAST ERROR',
      'RULES',
      'REBUILD',
      'ROWS',
    ]);
    for (const projection of REGISTERED_PROJECTIONS) {
      const [name, version, position, handled, lagEvents, lagTime, lastError] = rowOf(stdout, projection.name);
      expect([name, version, position, lagEvents, lagTime, lastError]).toEqual([
        projection.name,
        `v${projection.version}`,
        checkpoint.commit.toString(),
        '0',
        'caught up',
        '-',
      ]);
      expect(Number(handled)).toBeGreaterThan(0);
    }
    const [rules, rebuild, rows] = rowOf(stdout, 'ticket_list').slice(7);
    expect([rules, rebuild]).toEqual(['-', '-']);
    expect(rows).toMatch(/^tickets=1 conversations=1\b/);
    const quota = REGISTERED_PROJECTIONS.find((projection) => projection.name === 'quota')!;
    expect(rowOf(stdout, 'quota')[7]).toBe(quota.rulesVersion);
  });

  it('status: counts the events after the checkpoint and their age; --format json says the same', async () => {
    world.clock.set(at(2 * HOUR));
    await world.receive(inboundMessage('wamid.2', at(2 * HOUR), '+33699999999'));
    let behind = 0;
    for await (const event of world.store.readAll({ fromPosition: checkpoint }))
      if (event.position.commit > checkpoint.commit) behind++;
    expect(behind).toBeGreaterThan(0);

    const table = await helpdesk('projections', 'status');
    const [, , , , lagEvents, lagTime] = rowOf(table.stdout, 'thread');
    expect(lagEvents).toBe(String(behind));
    expect(lagTime).toMatch(/^\d+(\.\d)?s$/);

    const json = await helpdesk('projections', 'status', '--format', 'json');
    expect(json.code).toBe(0);
    const statuses = JSON.parse(json.stdout) as {
      name: string;
      lagEvents: number;
      lagCapped: boolean;
      caughtUp: boolean;
      position: unknown;
      rows: unknown;
    }[];
    expect(statuses.map((status) => status.name)).toEqual(REGISTERED_PROJECTIONS.map((projection) => projection.name));
    expect(statuses.find((status) => status.name === 'ticket_list')).toMatchObject({
      lagEvents: behind,
      lagCapped: false,
      caughtUp: false,
      position: { commit: checkpoint.commit.toString(), prepare: checkpoint.prepare.toString() },
      rows: { tickets: 1 },
    });
  });

  it("status: the last line counts the webhook payloads stored after the inbox processor's checkpoint", async () => {
    expect((await helpdesk('projections', 'status')).stdout).toContain(
      'INBOX BACKLOG  0 payloads (every stored webhook payload is processed)\n',
    );
    let store = openSqliteEventStore({ dataDir });
    const stored: Position[] = [];
    for (const [index, receivedAt] of [at(3 * HOUR), at(3 * HOUR + 1_000), at(3 * HOUR + 2_000)].entries()) {
      const data = { body: `{"n":${index}}`, signature: 'sha256=x', receivedAt, contentType: 'application/json' };
      const result = await store.append(
        `whatsapp-inbox-sha256-${index}`,
        [{ id: randomUUID(), type: 'WebhookPayloadReceived', data }],
        'no_stream',
      );
      stored.push(result.position!);
    }
    await store.close();
    // The processor never ran (no checkpoint): all three wait.
    let status = await helpdesk('projections', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `INBOX BACKLOG  3 payload(s) stored and not yet processed, oldest received ${at(3 * HOUR)}\n`,
    );

    store = openSqliteEventStore({ dataDir });
    await new StreamCheckpoint(store, SingleStreamName.inboxProcessorCheckpoint, 'InboxProcessorCheckpointed').write(
      stored[1],
    );
    await store.close();
    status = await helpdesk('projections', 'status');
    expect(status.stdout).toContain(
      `INBOX BACKLOG  1 payload(s) stored and not yet processed, oldest received ${at(3 * HOUR + 2_000)}\n`,
    );
    // The JSON keeps its shape: an array of projections.
    const json = JSON.parse((await helpdesk('projections', 'status', '--format', 'json')).stdout) as unknown[];
    expect(json).toHaveLength(REGISTERED_PROJECTIONS.length);
  });

  it('check --all: every read model equals its rebuild, exit 0', async () => {
    const { code, stdout } = await helpdesk('projections', 'check', '--all');

    expect(code).toBe(0);
    for (const projection of REGISTERED_PROJECTIONS)
      expect(stdout).toMatch(new RegExp(`^${projection.name} v${projection.version} at position \\d+ .* OK`, 'm'));
    expect(stdout).toContain(`OK: ${REGISTERED_PROJECTIONS.length} read model(s) equal a rebuild from history`);
  });

  it('check --progress: the replayed events advance on stderr, stdout stays the same', async () => {
    const plain = await helpdesk('projections', 'check', 'thread');
    const shown = await helpdesk('projections', 'check', 'thread', '--progress');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(plain.stdout);
    const counts = [...shown.stderr.matchAll(/^thread check \[[#.]+\] +[\d.]+% {2}([\d,]+) events replayed/gm)].map(
      (match) => Number(match[1].replace(/,/g, '')),
    );
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts[0]).toBeLessThan(counts.at(-1)!);
    expect(shown.stderr).toMatch(/^thread check \[#{30}\] 100\.0% .*, compared$/m);
    expect(plain.stderr).not.toContain('events replayed');
  });

  it('check: a tampered row is drift, exit 1, naming the row and the change', async () => {
    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
    const table = physicalTableName({ name: 'ticket_list', version: ticketListVersion }, 'tickets');
    let ticketId = '';
    try {
      const { rows } = await sql<{
        id: string;
        document: string;
      }>`SELECT id, document FROM ${sql.table(table)}`.execute(readStore.db);
      const document = { ...(JSON.parse(rows[0].document) as Record<string, unknown>), unreadCount: 42 };
      ticketId = rows[0].id;
      await sql`UPDATE ${sql.table(table)} SET document = ${JSON.stringify(document)} WHERE id = ${rows[0].id}`.execute(
        readStore.db,
      );
    } finally {
      await readStore.close();
    }

    const { code, stdout } = await helpdesk('projections', 'check', 'ticket_list');

    expect(code).toBe(1);
    expect(stdout).toContain(`ticket_list v${ticketListVersion} at position`);
    expect(stdout).toContain('DRIFT');
    expect(stdout).toMatch(/table tickets: rebuilt 1 rows, stored 1/);
    expect(stdout).toContain(`differing 1: ${ticketId}`);
    expect(stdout).toContain(`first difference, id ${ticketId} (rebuilt -> stored):`);
    expect(stdout).toContain('$.unreadCount: 1 -> 42');
    expect(stdout).toContain('DRIFT in 1 of 1 read model(s)');

    const others = await helpdesk('projections', 'check', 'thread');
    expect(others.code).toBe(0);
  });

  it('rebuild: switches a fresh build in, printing progress lines and the outcome; status then shows no pending rebuild', async () => {
    const { code, stdout, stderr } = await helpdesk('projections', 'rebuild', 'ticket_list', '--batch-size', '2');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^ticket_list v\d+: build 1 switched in, \d+ events handled$/m);
    const [opened, ...progress] = stderr.trim().split('\n');
    expect(opened).toMatch(/^helpdesk projections: event store \S.*, read models \S/);
    expect(progress[0]).toMatch(
      /^ticket_list build 1 \[[#.]{30}\] +\d+\.\d% {2}\d+ events {2}[\d,]+ ev\/s {2}ETA (\d|\?)/,
    );
    expect(progress.at(-1)).toMatch(/^ticket_list build 1 \[#{30}\] 100\.0% .* switched$/);

    const status = await helpdesk('projections', 'status');
    expect(rowOf(status.stdout, 'ticket_list')[8]).toBe('-');
    const check = await helpdesk('projections', 'check', 'ticket_list');
    expect(check.code).toBe(0);
  });

  it('rebuild --all --fresh: every read model rebuilt from one read of the log and switched in, each equal to history', async () => {
    const { code, stdout } = await helpdesk('projections', 'rebuild', '--all', '--fresh', '--batch-size', '3');

    expect(code).toBe(0);
    for (const projection of REGISTERED_PROJECTIONS) {
      expect(stdout).toMatch(
        new RegExp(`^${projection.name} v${projection.version}: build 1 switched in, \\d+ events handled$`, 'm'),
      );
    }
    const status = await helpdesk('projections', 'status');
    for (const projection of REGISTERED_PROJECTIONS) expect(rowOf(status.stdout, projection.name)[8]).toBe('-');
    expect((await helpdesk('projections', 'check', '--all')).code).toBe(0);
  });

  it('rebuild: a projection that throws fails the build, exit 1, the live tables kept and status showing the failed build', async () => {
    const broken = REGISTERED_PROJECTIONS.map((projection) =>
      projection.name !== 'thread'
        ? projection
        : {
            ...projection,
            project: async () => {
              throw new Error('thread code is broken');
            },
          },
    );
    let stderr = '';
    const io = {
      stdout: () => undefined,
      stderr: (text: string) => void (stderr += text),
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    };
    await world.store.close().catch(() => undefined);

    const code = await runProjections(['rebuild', 'thread'], io, broken);

    expect(code).toBe(1);
    expect(stderr).toMatch(/thread: rebuild 1 failed, the live tables were kept: cannot apply .*thread code is broken/);
    const status = await helpdesk('projections', 'status');
    expect(rowOf(status.stdout, 'thread')[8]).toBe('build 1 failed');
    expect((await helpdesk('projections', 'check', 'thread')).code).toBe(0);
  });

  it('refuses an unknown projection or subcommand with the usage, exit 2', async () => {
    const unknown = await helpdesk('projections', 'check', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown projection 'nope' (known: ticket_list, thread, quota, directory, views, search, campaigns, session_expiry)",
    );
    expect((await helpdesk('projections', 'check')).code).toBe(2);
    expect((await helpdesk('projections', 'check', 'thread', '--all')).code).toBe(2);
    expect((await helpdesk('projections', 'status', '--format', 'xml')).code).toBe(2);
    const none = await helpdesk('projections', 'rebuild');
    expect(none.code).toBe(2);
    // One line naming the problem and where the help is, not the whole usage.
    expect(none.stderr).toBe(
      'helpdesk projections rebuild: name one projection or pass --all; see helpdesk projections rebuild --help\n',
    );
  });

  it('rebuild: refuses an unknown projection or a bad batch size, exit 2, and starts no build', async () => {
    const unknown = await helpdesk('projections', 'rebuild', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown projection 'nope'");
    for (const size of ['0', '-3', '1.5', 'ten']) {
      const bad = await helpdesk('projections', 'rebuild', 'ticket_list', `--batch-size=${size}`);
      expect({ size, code: bad.code, stderr: bad.stderr }).toEqual({
        size,
        code: 2,
        stderr: expect.stringContaining('--batch-size must be a positive integer'),
      });
    }
    const status = await helpdesk('projections', 'status');
    expect(rowOf(status.stdout, 'ticket_list')[8]).toBe('-');
    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
    try {
      const { rows } = await sql<{
        count: number;
      }>`SELECT COUNT(*) AS count FROM projection_rebuilds WHERE build > 0`.execute(readStore.db);
      expect(Number(rows[0].count)).toBe(0);
    } finally {
      await readStore.close();
    }
  });
});
