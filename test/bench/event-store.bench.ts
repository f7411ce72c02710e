import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventToAppend, openSqliteEventStore, SqliteEventStore } from '@helpdesk/event-store';
import { Figure, formatTable, median, ratePerSecond, repeat } from './measure.js';
import type { ScenarioResult } from './scenario.js';

export interface EventStoreBenchSizes {
  readonly runs: number;
  readonly singleAppends: number;
  readonly concurrentWriters: number;
  readonly concurrentAppendsPerWriter: number;
  readonly batches: number;
  readonly readAllEvents: number;
}

/** A message-sized event, like an inbound WhatsApp text as the domain will record it. */
function messageEvent(sequence: number): EventToAppend {
  return {
    id: randomUUID(),
    type: 'InboundMessageReceived',
    data: { wamid: `wamid.${sequence}`, from: '+31612345678', text: `Hello, I need help with order ${sequence}` },
    metadata: { tenantId: 'portal-1', correlationId: randomUUID(), ruleVersion: 'counting/2024-11-01' },
  };
}

async function withFreshStore<T>(measure: (store: SqliteEventStore) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = openSqliteEventStore({ dataDir });
  try {
    return await measure(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchmarkEventStore(sizes: EventStoreBenchSizes): Promise<Figure[]> {
  const single = await repeat(sizes.runs, () =>
    withFreshStore((store) =>
      ratePerSecond(sizes.singleAppends, async () => {
        for (let i = 0; i < sizes.singleAppends; i++) await store.append('conversation-1', [messageEvent(i)]);
      }),
    ),
  );
  const concurrentTotal = sizes.concurrentWriters * sizes.concurrentAppendsPerWriter;
  const concurrent = await repeat(sizes.runs, () =>
    withFreshStore((store) =>
      ratePerSecond(concurrentTotal, async () => {
        await Promise.all(
          Array.from({ length: sizes.concurrentWriters }, async (_, writer) => {
            let expected: bigint | 'no_stream' = 'no_stream';
            for (let i = 0; i < sizes.concurrentAppendsPerWriter; i++) {
              const result = await store.append(`conversation-${writer}`, [messageEvent(i)], expected);
              expected = result.nextExpectedRevision;
            }
          }),
        );
      }),
    ),
  );
  const batched = await repeat(sizes.runs, () =>
    withFreshStore((store) =>
      ratePerSecond(sizes.batches * 100, async () => {
        for (let b = 0; b < sizes.batches; b++) {
          await store.append(
            `conversation-${b}`,
            Array.from({ length: 100 }, (_, i) => messageEvent(b * 100 + i)),
          );
        }
      }),
    ),
  );
  const readAll = await withFreshStore(async (store) => {
    for (let written = 0; written < sizes.readAllEvents; written += 1000) {
      await store.append(
        `conversation-${written}`,
        Array.from({ length: 1000 }, (_, i) => messageEvent(written + i)),
      );
    }
    return repeat(sizes.runs, async () => {
      let count = 0;
      const rate = await ratePerSecond(sizes.readAllEvents, async () => {
        for await (const _event of store.readAll()) count++;
      });
      if (count !== sizes.readAllEvents) throw new Error(`read ${count} of ${sizes.readAllEvents} events`);
      return rate;
    });
  });
  return [
    {
      scenario: `Single appends, one at a time (${sizes.singleAppends} × 1 event, each awaited)`,
      unit: 'events/s',
      runs: single,
    },
    {
      scenario: `Concurrent appends (${sizes.concurrentWriters} writers × ${sizes.concurrentAppendsPerWriter} appends, expected revision checked)`,
      unit: 'events/s',
      runs: concurrent,
    },
    { scenario: `100-event batches (${sizes.batches} batches)`, unit: 'events/s', runs: batched },
    {
      scenario: `Read \`$all\` forwards (${sizes.readAllEvents.toLocaleString('en-US')} events)`,
      unit: 'events/s',
      runs: readAll,
    },
  ];
}

/** The store on its own: appends one at a time, concurrent, batched, and reads of `$all`. */
export async function benchmarkEventStoreSection(sizes: EventStoreBenchSizes): Promise<ScenarioResult> {
  const figures = await benchmarkEventStore(sizes);
  const markdown = [
    formatTable(figures),
    '',
    '- Single appends pay one fsync each: that is the price of "on disk before we say 200".',
    '- Concurrent appends share fsyncs through group commit: appends queued in the same event-loop turn commit in one transaction.',
    "- Reads page through the log 512 rows at a time and parse each event's JSON.",
  ].join('\n');
  const [single, concurrent, batched, readAll] = figures.map((figure) => median(figure.runs));
  return {
    id: 'event-store',
    title: 'Embedded event store (SQLite, WAL, synchronous=FULL: every acknowledged append is fsynced)',
    markdown,
    metrics: { single, concurrent, batched, readAll },
  };
}
