import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Position } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { type World, inboundMessage, openWorld } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ProjectorLease } from '@helpdesk/projections/core/projector-lease.js';
import { listTickets } from '@helpdesk/projections/ticket-list/index.js';
import { Projector, type ProjectorLog } from './projector.js';

export const CONNECTED_AT = '2024-11-05T08:00:00.000Z';
export const postgresUrl = process.env.READ_STORE_TEST_URL;

/** Log lines kept in memory, with a way to wait for one. */
export class CapturedLog implements ProjectorLog {
  readonly lines: { level: string; message: string; fields: object }[] = [];
  private readonly watchers = new Set<() => void>();

  info(fields: object, message: string): void {
    this.push('info', fields, message);
  }
  warn(fields: object, message: string): void {
    this.push('warn', fields, message);
  }
  error(fields: object, message: string): void {
    this.push('error', fields, message);
  }

  async when(pattern: RegExp): Promise<void> {
    while (!this.lines.some((line) => pattern.test(line.message)))
      await new Promise<void>((resolve) => this.watchers.add(resolve));
  }

  private push(level: string, fields: object, message: string): void {
    this.lines.push({ level, fields, message });
    const watchers = [...this.watchers];
    this.watchers.clear();
    watchers.forEach((wake) => wake());
  }
}

/** A real embedded event store with a connected number, and a read store: SQLite, or a fresh PostgreSQL schema. */
export async function openProjectorWorld(dialect: 'sqlite' | 'postgres') {
  const world: World = await openWorld({ connectedAt: CONNECTED_AT });
  const dir = mkdtempSync(join(tmpdir(), 'projector-'));
  const schema = `test_${randomUUID().replace(/-/g, '')}`;
  let url = '';
  if (dialect === 'postgres') {
    const admin = ReadStore.open({ dialect: 'postgres', connectionString: postgresUrl! });
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin.db);
    await admin.close();
    const withSchema = new URL(postgresUrl!);
    withSchema.searchParams.set('options', `-c search_path=${schema}`);
    url = withSchema.toString();
  }
  const readStore =
    dialect === 'postgres'
      ? ReadStore.open({ dialect, connectionString: url })
      : ReadStore.open({ dialect, file: join(dir, 'read.sqlite') });
  const projectors: Projector[] = [];

  return {
    world,
    readStore,
    /** The read store's connection string (PostgreSQL: with this test's schema). */
    url,
    /** A projector on this world's stores; with PostgreSQL, behind its own lease connection named `holder`. */
    projector(holder: string, log = new CapturedLog()): { projector: Projector; log: CapturedLog } {
      const lease =
        dialect === 'postgres' ? new ProjectorLease({ connectionString: url, holder, retryMs: 50, log }) : undefined;
      const projector = new Projector({
        store: world.store,
        db: readStore.db,
        projections: REGISTERED_PROJECTIONS,
        lease,
        log,
        retryMs: 50,
      });
      projectors.push(projector);
      return { projector, log };
    },
    /** A contact's message: one open ticket, one more unread message on it. */
    async receive(wamid: string): Promise<Position> {
      world.clock.set('2024-11-05T09:00:00.000Z');
      return (await world.receive(inboundMessage(wamid, world.clock.now().toISOString()))).position!;
    },
    async tickets() {
      return (await listTickets(readStore.db, { portalId: 'acme' })).tickets;
    },
    /** Ends a lease's session from the server side, as a crash or a network cut would. */
    async killLeaseSession(holder: string): Promise<number> {
      const result = await sql<{ pid: number }>`
        SELECT pg_terminate_backend(pid) AS done, pid FROM pg_stat_activity WHERE application_name = ${`helpdesk-projector ${holder}`}
      `.execute(readStore.db);
      return result.rows.length;
    },
    async close(): Promise<void> {
      await Promise.all(projectors.map((projector) => projector.stop()));
      if (dialect === 'postgres') await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(readStore.db);
      await readStore.close();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ProjectorWorld = Awaited<ReturnType<typeof openProjectorWorld>>;
