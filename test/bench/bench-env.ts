import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type AppConfig, loadConfig } from '@helpdesk/config';
import { ReadStore } from '@helpdesk/read-store';
import { seedDemo } from '../../apps/cli/src/seed-demo/seed-demo.js';
import type { HistoryTarget } from './history.js';

/** The app secret every benchmark signs webhooks with. */
export const BENCH_APP_SECRET = 'bench-app-secret';
export const BENCH_JWT_SECRET = 'bench-jwt-secret-bench-jwt-secret-0123456789';
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDir {
  readonly path: string;
  dispose(): void;
}

export function benchDir(prefix: string): BenchDir {
  const path = mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** The service's configuration on a benchmark's own DATA_DIR: quiet logs, webhooks on, outbound off. */
export function benchConfig(dataDir: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    // The per-portal GraphQL rate limit (50/s by default) would measure itself, not the service: off.
    GRAPHQL_RATE_LIMIT: '0',
    ...env,
  });
}

/**
 * A portal with one WhatsApp account and `numbers` connected numbers, through the service's own
 * command handlers (the CLI's seed-demo): what the traffic and the history are addressed to.
 */
export async function seedPortal(
  config: AppConfig,
  portalId: string,
  numbers: number,
  connectedAt: Date,
): Promise<HistoryTarget> {
  const { targets } = await seedDemo(config, { portalId, numbers, timeZone: 'Europe/Amsterdam', connectedAt });
  return {
    portalId: targets.portalId,
    appSecret: BENCH_APP_SECRET,
    wabaId: targets.wabaId,
    connectedAt: targets.connectedAt,
    numbers: targets.numbers,
  };
}

/** A reachable PostgreSQL for the read store, or why not. */
export async function postgresUrl(): Promise<{ url: string } | { skipped: string }> {
  const url = process.env.READ_STORE_TEST_URL || DEFAULT_POSTGRES_URL;
  const probe = ReadStore.open({ dialect: 'postgres', connectionString: url });
  try {
    await sql`SELECT 1`.execute(probe.db);
    return { url };
  } catch (error) {
    return { skipped: `no PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message})` };
  } finally {
    await probe.close();
  }
}

/** A fresh schema of its own in that PostgreSQL, dropped afterwards. */
export async function postgresSchema(baseUrl: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = ReadStore.open({ dialect: 'postgres', connectionString: baseUrl });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin.db);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async dispose() {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(admin.db);
      await admin.close();
    },
  };
}
