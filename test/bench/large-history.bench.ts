import Database from 'better-sqlite3';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Position, StreamCheckpoint, openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { CHECKPOINT_STREAM } from '../../apps/api/src/webhooks/processor-checkpoint.js';
import { isInboxStream } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { benchConfig, postgresSchema, postgresUrl, seedPortal } from './bench-env.js';
import { writeHistory } from './history.js';
import { fmt, markdownTable, seconds } from './measure.js';
import { type RebuildOutcome, rebuildAlone, rebuildProjections } from './rebuild.js';
import type { ScenarioResult } from './scenario.js';

/** What the large-history scenario leaves in its directory for the queries and PostgreSQL scenarios. */
export interface LargeHistoryInfo {
  readonly portalId: string;
  readonly events: number;
  readonly conversations: number;
  readonly sampleConversationIds: readonly string[];
  readonly rawReadPerSecond: number;
  readonly storeReadPerSecond: number;
}

const INFO_FILE = 'large-history.json';

export function readLargeHistoryInfo(dir: string): LargeHistoryInfo {
  return JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as LargeHistoryInfo;
}

export interface LargeHistoryOptions {
  readonly dir: string;
  readonly events: number;
  /** Events of the per-projection breakdown (each projection alone, on the start of the same history). */
  readonly breakdownEvents: number;
  readonly deadlineSeconds: number;
}

/** The raw reads of the whole log: the floor a rebuild cannot beat. */
async function rawReads(dir: string): Promise<{ raw: number; store: number; events: number }> {
  const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
  let events = 0;
  let started = process.hrtime.bigint();
  for (const row of db
    .prepare('SELECT position, stream, revision, id, type, data, metadata, created FROM events ORDER BY position')
    .iterate() as Iterable<{ data: string; metadata: string }>) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    events++;
  }
  const raw = events / seconds(started);
  db.close();
  const store = openSqliteEventStore({ dataDir: dir });
  let read = 0;
  started = process.hrtime.bigint();
  for await (const _event of store.readAll()) read++;
  const storeRate = read / seconds(started);
  await store.close();
  return { raw, store: storeRate, events };
}

function rebuildRow(label: string, outcome: RebuildOutcome, total: number, floor: number): string[] {
  const covered = outcome.reached ? Number(outcome.reached.commit) : 0;
  const rate = covered / outcome.seconds;
  return [
    label,
    outcome.complete
      ? `${fmt(covered)} events in ${fmt(outcome.seconds, 1)} s`
      : `${fmt(covered)} of ${fmt(total)} events in ${fmt(outcome.seconds, 1)} s (stopped at the time budget)`,
    `${fmt(rate)} events/s`,
    `${fmt((100 * rate) / floor, 1)} %`,
  ];
}

/**
 * Scenarios 3 (SQLite) and the set-up of 4: a long history written through the store's append
 * (fast path), the raw read of `$all`, then every projection rebuilt blue/green (as `helpdesk projections rebuild --all --fresh`) into
 * a fresh SQLite read store, which the queries scenario then uses.
 */
export async function benchmarkLargeHistory(options: LargeHistoryOptions): Promise<ScenarioResult> {
  const { dir } = options;
  const config = benchConfig(dir);
  const target = await seedPortal(config, 'big', 5, new Date(Date.now() - 2 * 24 * 3600_000));
  const store = openSqliteEventStore({ dataDir: dir });
  // Sessions opened within the last 24 hours stay open while the benchmarks run: nothing expires under them.
  const written = await writeHistory(store, target, {
    events: options.events,
    startAt: new Date(Date.now() - 12 * 3600_000),
  });
  // The inbox payloads are history: the service must not process them again when it starts on this store.
  let lastInbox: Position | null = null;
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' })) {
    if (isInboxStream(event.streamName)) {
      lastInbox = event.position;
      break;
    }
  }
  if (lastInbox) await new StreamCheckpoint(store, CHECKPOINT_STREAM, 'InboxProcessorCheckpointed').write(lastInbox);
  await store.close();

  const reads = await rawReads(dir);
  const total = reads.events;

  const reopened = openSqliteEventStore({ dataDir: dir });
  const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read-models.sqlite') });
  const all = await rebuildProjections(reopened, readStore.db, REGISTERED_PROJECTIONS, {
    deadlineSeconds: options.deadlineSeconds,
  });
  await readStore.close();
  if (!all.complete)
    throw new Error(
      'the SQLite rebuild did not finish within its time budget: the queries would run on a partial read model',
    );

  // Each projection alone on the start of the same history: where the time goes.
  let until: Position | undefined;
  for await (const event of reopened.readAll({
    fromPosition: { commit: BigInt(options.breakdownEvents), prepare: BigInt(options.breakdownEvents) },
    maxCount: 1,
  }))
    until = event.position;
  const breakdown: { name: string; rate: number }[] = [];
  for (const projection of REGISTERED_PROJECTIONS) {
    const alone = ReadStore.open({ dialect: 'sqlite', file: join(dir, `breakdown-${projection.name}.sqlite`) });
    const outcome = await rebuildAlone(reopened, alone.db, projection, until!);
    breakdown.push({ name: projection.name, rate: Number(outcome.position?.commit ?? 0n) / outcome.seconds });
    await alone.close();
  }
  await reopened.close();

  const info: LargeHistoryInfo = {
    portalId: target.portalId,
    events: total,
    conversations: written.conversations,
    sampleConversationIds: written.sampleConversationIds,
    rawReadPerSecond: reads.raw,
    storeReadPerSecond: reads.store,
  };
  writeFileSync(join(dir, INFO_FILE), JSON.stringify(info));
  const rebuildRate = Number(all.reached?.commit ?? 0n) / all.seconds;
  const sequential = 1 / breakdown.reduce((sum, entry) => sum + 1 / entry.rate, 0);
  // The cheapest projection alone costs about the read of `$all` every one of them pays alone (it
  // handles next to nothing); what each costs beyond that is its own work. With one shared read and
  // that work spread perfectly over both cores, the rebuild could go no faster than this.
  const readCost = Math.min(...breakdown.map((entry) => 1 / entry.rate));
  const ownWork = breakdown.reduce((sum, entry) => sum + 1 / entry.rate - readCost, 0);
  const twoCoreCeiling = 2 / (readCost + ownWork);
  const markdown = [
    `History: ${fmt(total)} events — ${fmt(written.conversations)} conversations (each: message in, reply, send attempt, wamid, sent/delivered/read,`,
    "a second message, 40 % assigned, 30 % closed), every inbound message's signed webhook payload in the inbox streams and the",
    `conversation index entries, plus the seeded portal and channel. Written through the store's append (many appends per`,
    `event-loop turn, group commit) in ${fmt(written.seconds, 1)} s: ${fmt(written.events / written.seconds)} events/s.`,
    '',
    markdownTable(
      ['Reading or rebuilding the whole history', 'Size and time', 'Rate', 'Of the raw read'],
      [
        [
          'Raw read: better-sqlite3 `SELECT … ORDER BY position`, JSON parsed (the floor)',
          `${fmt(total)} events in ${fmt(total / reads.raw, 1)} s`,
          `${fmt(reads.raw)} events/s`,
          '100 %',
        ],
        [
          "The store's `readAll()` (the port: pages of 512, envelopes built)",
          `${fmt(total)} events in ${fmt(total / reads.store, 1)} s`,
          `${fmt(reads.store)} events/s`,
          `${fmt((100 * reads.store) / reads.raw, 1)} %`,
        ],
        rebuildRow(
          `Blue/green rebuild of all ${REGISTERED_PROJECTIONS.length} projections into SQLite (\`helpdesk projections rebuild --all --fresh\`: one read of \`$all\`)`,
          all,
          total,
          reads.raw,
        ),
      ],
    ),
    '',
    `Where the rebuild's time goes — each projection alone, on the first ${fmt(options.breakdownEvents)} events of the same history (SQLite):`,
    '',
    markdownTable(
      ['Projection', 'Alone', 'Events it handles'],
      breakdown.map((entry) => [
        entry.name,
        `${fmt(entry.rate)} events/s`,
        `${fmt(all.eventsHandled[entry.name] ?? 0)} of ${fmt(total)}`,
      ]),
    ),
    '',
    `- Each alone: replayed into an empty store up to that position (\`rebuildToPosition\`, the drift check's replay), reading \`$all\` itself.`,
    `  Rebuilt one after the other, each reading \`$all\`, they would run at ${fmt(sequential)} events/s; rebuilt together from one read,`,
    `  they ran at ${fmt(rebuildRate)} events/s. Every build commits batches of 5,000 events with its checkpoint, keeps the documents it`,
    '  wrote parsed between batches (so it reads back almost nothing), writes multi-row upserts and indexes its tables once, before the switch.',
    `- The projections' own work (each alone, less the cheapest alone, which is about the read of \`$all\`) adds up to`,
    `  ${fmt(ownWork * 1e6, 1)} µs per event. With one read and that work spread perfectly over both cores, a rebuild would reach at most`,
    `  ${fmt(twoCoreCeiling)} events/s, ${fmt((100 * twoCoreCeiling) / reads.raw, 1)} % of the raw read.`,
  ].join('\n');
  return {
    id: 'rebuild-sqlite',
    title: `Scenario 3 — Rebuild from ${fmt(total)} events (SQLite read store) against the raw read`,
    markdown,
    metrics: {
      events: total,
      conversations: written.conversations,
      writePerSecond: written.events / written.seconds,
      rawRead: reads.raw,
      storeRead: reads.store,
      rebuildSqlite: rebuildRate,
      rebuildSqliteSeconds: all.seconds,
      sequentialEstimate: sequential,
      twoCoreCeiling,
      readCostMicros: readCost * 1e6,
      ownWorkMicros: ownWork * 1e6,
      ...Object.fromEntries(breakdown.map((entry) => [`alone_${entry.name}`, entry.rate])),
    },
  };
}

export interface PostgresRebuildOptions {
  readonly dir: string;
  readonly deadlineSeconds: number;
}

/** Scenario 3 on PostgreSQL: the same history, the same blue/green rebuild of all projections, the read store in a fresh schema. */
export async function benchmarkPostgresRebuild(options: PostgresRebuildOptions): Promise<ScenarioResult> {
  const info = readLargeHistoryInfo(options.dir);
  const title = `Scenario 3 — Rebuild from ${fmt(info.events)} events (PostgreSQL read store)`;
  const reachable = await postgresUrl();
  if ('skipped' in reachable) {
    return {
      id: 'rebuild-postgres',
      title,
      markdown: `Not measured: ${reachable.skipped}. Set READ_STORE_TEST_URL to run it.`,
      metrics: { rebuildPostgres: null },
    };
  }
  const schema = await postgresSchema(reachable.url);
  const store = openSqliteEventStore({ dataDir: options.dir });
  const readStore = ReadStore.open({ dialect: 'postgres', connectionString: schema.url });
  let outcome: RebuildOutcome;
  try {
    outcome = await rebuildProjections(store, readStore.db, REGISTERED_PROJECTIONS, {
      deadlineSeconds: options.deadlineSeconds,
    });
  } finally {
    await readStore.close();
    await store.close();
    await schema.dispose();
  }
  const covered = Number(outcome.reached?.commit ?? 0n);
  const rate = covered / outcome.seconds;
  const server = new URL(reachable.url);
  const markdown = [
    markdownTable(
      ['Reading or rebuilding the whole history', 'Size and time', 'Rate', 'Of the raw read'],
      [
        ['Raw read (from the SQLite scenario above, the floor)', '', `${fmt(info.rawReadPerSecond)} events/s`, '100 %'],
        rebuildRow(
          `Blue/green rebuild of all ${REGISTERED_PROJECTIONS.length} projections into PostgreSQL (one read of \`$all\`)`,
          outcome,
          info.events,
          info.rawReadPerSecond,
        ),
      ],
    ),
    '',
    `- PostgreSQL ${server.host} on this machine (its CPU is shared with the benchmark), a fresh schema, the service's pool (10 connections).`,
    '  Each build commits its batch in its own transaction, side by side on the pool; changed documents go out as upserts of',
    '  up to 1,000 rows, so a batch costs a few round trips per table rather than one per document.',
    ...(outcome.complete
      ? []
      : [
          `- Stopped after ${fmt(options.deadlineSeconds)} s to keep the whole run within its budget; the rate is over the events every projection had applied by then.`,
        ]),
  ].join('\n');
  return {
    id: 'rebuild-postgres',
    title,
    markdown,
    metrics: { rebuildPostgres: rate, rebuildPostgresComplete: outcome.complete ? 1 : 0, postgresEvents: covered },
  };
}
