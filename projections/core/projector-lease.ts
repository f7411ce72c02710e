import { sql } from 'kysely';
import { Client } from 'pg';
import { WriterFencedError } from './projection-group.js';
import type { ReadDatabase } from './read-model-schema.js';

/** Written by the lease holder only; its epoch fences the writes of a holder that lost the lock. */
const LEASE_TABLE = 'projector_lease';

export interface LeaseLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface LeaseOptions {
  readonly connectionString: string;
  /** Who holds it, for the lease row and the logs (host:pid). */
  readonly holder: string;
  /** How often a waiting instance tries again, and how often the holder checks its session. */
  readonly retryMs?: number;
  readonly log: LeaseLog;
}

/** The lock while held: lost when its session ends, and a fence for every batch written under it. */
export interface HeldLease {
  readonly epoch: string;
  /** Resolves when the lock's session ended (connection lost, backend terminated): stop writing. */
  readonly lost: Promise<Error>;
  /** For RunnerOptions.beforeWrite: refuses the batch once another holder has taken over. */
  fence(trx: ReadDatabase): Promise<void>;
  release(): Promise<void>;
}

/** What the projector waits on before writing: one holder at a time. */
export interface Lease {
  /** The lease once this instance holds it; null if `signal` aborted the wait. */
  acquire(signal: AbortSignal): Promise<HeldLease | null>;
}

// One lock per schema: tests (and installs) sharing a database in separate schemas do not contend.
const LOCK_KEY = `hashtextextended('helpdesk-projector:' || current_schema(), 0)`;

/**
 * One projector writes the read models at a time: a session-level advisory lock on a dedicated
 * connection, kept while projecting. When the holder dies its session ends, PostgreSQL releases
 * the lock, and a waiting instance takes it at its next try. The lock alone cannot stop a batch the
 * old holder already had in flight, so each new holder bumps an epoch row and every batch first
 * reads that row FOR SHARE: the new holder's bump waits for in-flight batches, later ones see it.
 */
export class ProjectorLease implements Lease {
  private waiting: Client | undefined;

  constructor(private readonly options: LeaseOptions) {}

  /** The lease once this instance holds it; null if `signal` aborted the wait. */
  async acquire(signal: AbortSignal): Promise<HeldLease | null> {
    const retryMs = this.options.retryMs ?? 5_000;
    let announced = false;
    while (!signal.aborted) {
      try {
        this.waiting ??= await connect(this.options.connectionString, this.options.holder);
        const { rows } = await this.waiting.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`,
        );
        if (rows[0].locked) {
          const client = this.waiting;
          this.waiting = undefined;
          // Ending the session is what releases the lock if taking the lease fails half-way.
          return await this.hold(client, retryMs).catch(async (error: unknown) => {
            await client.end().catch(() => undefined);
            throw error;
          });
        }
        if (!announced) this.options.log.info({ retryMs }, 'Another projector holds the lease: waiting to take over');
        announced = true;
      } catch (error) {
        this.options.log.warn({ err: error }, 'Cannot try the projector lease: retrying');
        await this.waiting?.end().catch(() => undefined);
        this.waiting = undefined;
      }
      await pause(retryMs, signal);
    }
    await this.waiting?.end().catch(() => undefined);
    this.waiting = undefined;
    return null;
  }

  private async hold(client: Client, retryMs: number): Promise<HeldLease> {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id integer PRIMARY KEY, epoch bigint NOT NULL, holder text NOT NULL, acquired_at timestamptz NOT NULL)`,
    );
    const { rows } = await client.query<{ epoch: string }>(
      `INSERT INTO ${LEASE_TABLE} (id, epoch, holder, acquired_at) VALUES (1, 1, $1, now())
       ON CONFLICT (id) DO UPDATE SET epoch = ${LEASE_TABLE}.epoch + 1, holder = EXCLUDED.holder, acquired_at = now()
       RETURNING epoch::text AS epoch`,
      [this.options.holder],
    );
    const epoch = rows[0].epoch;
    let isLost = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let markLost: (error: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => (markLost = resolve));
    const lose = (error: Error) => {
      if (isLost) return;
      isLost = true;
      clearInterval(heartbeat);
      markLost(error);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('the lease connection ended')));
    // A silent network loss shows up here, not as an event.
    heartbeat = setInterval(() => void client.query('SELECT 1').catch(lose), retryMs);
    heartbeat.unref();
    this.options.log.info(
      { epoch, holder: this.options.holder },
      'Projector lease taken: this instance writes the read models',
    );
    return {
      epoch,
      lost,
      async fence(trx) {
        if (isLost) throw new WriterFencedError(`the projector lease (epoch ${epoch}) was lost`);
        const current = await sql<{
          epoch: string;
        }>`SELECT epoch::text AS epoch FROM ${sql.table(LEASE_TABLE)} WHERE id = 1 FOR SHARE`.execute(trx);
        const now = current.rows[0]?.epoch;
        if (now !== epoch) throw new WriterFencedError(`another projector took over (epoch ${now}, ours ${epoch})`);
      },
      async release() {
        const wasLost = isLost;
        lose(new Error('released'));
        if (!wasLost) await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }
}

async function connect(connectionString: string, holder: string): Promise<Client> {
  // Named, so `pg_stat_activity` shows which instance holds or waits for the lease.
  const application_name = `helpdesk-projector ${holder}`.slice(0, 63);
  const client = new Client({ connectionString, application_name, keepAlive: true, connectionTimeoutMillis: 5_000 });
  // Until the lease is held, a dropped waiting connection is simply replaced at the next try.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
