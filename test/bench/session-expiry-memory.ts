import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, headPosition, openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { SessionExpiryService } from '@helpdesk/commands/conversation/session-expiry/session-expiry.service.js';
import { systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { systemClock } from '@helpdesk/commands/shared/clock.js';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { sessionExpiryProjection } from '@helpdesk/projections/session-expiry/index.js';
import { ReadModelSessionDueIndex } from '../../apps/api/src/session-expiry/read-model-session-due-index.js';

/**
 * `npm run build && node --expose-gc dist/test/bench/session-expiry-memory.js [sessions]`: the heap
 * the session-expiry service keeps once started over that many open sessions (100,000 by default),
 * measured after full GCs around its start. The index is built first by the read model's runner,
 * which is stopped before the measurement. Not part of `npm run bench`: a one-off check that the
 * service holds no per-session state (it held ~205 MiB at 1M sessions with its former in-memory map).
 */
const sessions = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function settledHeap(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

async function writeSessions(store: EventStore): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < sessions; start += 512) {
    const appends: Promise<unknown>[] = [];
    for (let n = start; n < Math.min(sessions, start + 512); n++) {
      const expiresAt = new Date(now + 86_400_000 + n).toISOString();
      const event = {
        id: randomUUID(),
        type: 'SessionOpened',
        data: { sessionId: `session-${n}`, openedAt: new Date(now).toISOString(), expiresAt },
        metadata: { tenantId: 'acme' },
      };
      appends.push(store.append(conversationStreamName(`conversation-${n}`), [event], 'no_stream'));
    }
    await Promise.all(appends);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'expiry-memory-'));
  const store = openSqliteEventStore({ dataDir: dir });
  const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read.sqlite') });
  try {
    let t = Date.now();
    await writeSessions(store);
    process.stdout.write(`wrote ${sessions} sessions in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    t = Date.now();
    const runner = new ProjectionRunner(store, readStore.db, sessionExpiryProjection);
    await runner.start();
    await runner.whenCaughtUp((await headPosition(store))!);
    await runner.stop();
    process.stdout.write(`indexed in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    const index = new ReadModelSessionDueIndex(readStore.db, async () => undefined);
    const service = new SessionExpiryService(store, systemClock, systemTimers, index);
    const before = await settledHeap();
    t = Date.now();
    service.start();
    await service.whenCaughtUp();
    const started = Date.now() - t;
    const after = await settledHeap();
    process.stdout.write(
      `${sessions} open sessions, start ${started} ms, heap ${mib(before.heap)} -> ${mib(after.heap)} MiB ` +
        `(+${mib(after.heap - before.heap)}), rss ${mib(before.rss)} -> ${mib(after.rss)} MiB\n`,
    );
    await service.stop();
  } finally {
    await readStore.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
