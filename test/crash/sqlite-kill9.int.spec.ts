/**
 * Crash safety of the embedded store: a writer process is SIGKILLed at a random moment while
 * appending; after reopening, every acknowledged append is there, no batch is half-written,
 * stream revisions are contiguous and `$all` is strictly ordered. Several kill/reopen rounds.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RecordedEvent, comparePositions, openSqliteEventStore } from '@helpdesk/event-store';
import type { CrashEventData, WriterLine } from './sqlite-writer.js';
import { fileURLToPath } from 'node:url';

const ROUNDS = 4;
const STREAMS = ['ticket-a', 'ticket-b', 'ticket-c', 'contact-d'];
const CHILD = fileURLToPath(new URL('sqlite-writer.child.cjs', import.meta.url));

interface Ack {
  readonly stream: string;
  readonly batch: string;
  readonly ids: readonly string[];
  readonly first: bigint;
}

interface RoundResult {
  readonly acks: Ack[];
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
  readonly errorLine?: string;
}

/** Runs the writer until `killAfter` acks (+ a random few ms), SIGKILLs it, returns what it acknowledged. */
function runWriterAndKill(dataDir: string, killAfter: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, JSON.stringify(STREAMS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let stderr = '';
    let errorLine: string | undefined;
    let killScheduled = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // readline only emits complete lines: a line cut by the kill is never taken as an ack
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      const line = JSON.parse(text) as WriterLine;
      if (line.t === 'error') errorLine = line.message;
      if (line.t !== 'ack') return;
      acks.push({ stream: line.stream, batch: line.batch, ids: line.ids, first: BigInt(line.first) });
      if (BigInt(line.last) - BigInt(line.first) + 1n !== BigInt(line.ids.length)) {
        reject(new Error(`malformed ack ${text}`));
      }
      if (acks.length >= killAfter && !killScheduled) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 10));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ acks, signal, code, stderr, errorLine }));
  });
}

interface StoredEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly batch: string;
  readonly index: number;
  readonly of: number;
}

/** Reopens the store and checks every invariant; returns how many events it holds. */
async function verifyStore(dataDir: string, acked: readonly Ack[]): Promise<number> {
  const store = openSqliteEventStore({ dataDir });
  try {
    const byId = new Map<string, StoredEvent & { position: RecordedEvent['position'] }>();
    for (const stream of STREAMS) {
      let expected = 0n;
      try {
        for await (const e of store.readStream(stream)) {
          // revisions contiguous from 0
          if (e.revision !== expected)
            throw new Error(`${stream}: revision ${e.revision} where ${expected} was expected`);
          expected++;
          const data = e.data as CrashEventData;
          byId.set(e.id, { stream, revision: e.revision, ...data, position: e.position });
        }
      } catch (error) {
        if ((error as { code?: string }).code !== 'STREAM_NOT_FOUND') throw error;
      }
    }

    // every acknowledged event is present, in its stream, at its revision
    const missing: string[] = [];
    for (const ack of acked) {
      ack.ids.forEach((id, i) => {
        const stored = byId.get(id);
        if (!stored || stored.stream !== ack.stream || stored.revision !== ack.first + BigInt(i)) {
          missing.push(
            `${ack.stream}@${ack.first + BigInt(i)} (${id}): ${stored ? `found at ${stored.stream}@${stored.revision}` : 'absent'}`,
          );
        }
      });
    }
    expect(missing).toEqual([]);

    // no batch is half-written: each batch present is whole, in order, at consecutive revisions
    const batches = new Map<string, StoredEvent[]>();
    for (const e of byId.values()) batches.set(e.batch, [...(batches.get(e.batch) ?? []), e]);
    const broken: string[] = [];
    for (const [batch, stored] of batches) {
      stored.sort((a, b) => a.index - b.index);
      const whole =
        stored.length === stored[0].of &&
        stored.every(
          (e, i) => e.index === i && e.stream === stored[0].stream && e.revision === stored[0].revision + BigInt(i),
        );
      if (!whole)
        broken.push(`${batch}: ${stored.map((e) => `${e.stream}@${e.revision}#${e.index}/${e.of}`).join(' ')}`);
    }
    expect(broken).toEqual([]);

    // $all: the same events, positions strictly increasing, matching the stream reads
    let previous: RecordedEvent | undefined;
    let inAll = 0;
    for await (const e of store.readAll()) {
      if (previous && comparePositions(previous.position, e.position) >= 0) {
        throw new Error(`$all not strictly increasing: ${e.id} after ${previous.id}`);
      }
      expect(byId.get(e.id)?.position).toEqual(e.position);
      previous = e;
      inAll++;
    }
    expect(inAll).toBe(byId.size);
    return byId.size;
  } finally {
    await store.close();
  }
}

describe('sqlite event store survives kill -9 of its writer', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'crash-sqlite-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged append and never half a batch, over ${ROUNDS} kill/reopen rounds`, async () => {
    const acked: Ack[] = [];
    let stored = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const killAfter = 200 + Math.floor(Math.random() * 400);
      const result = await runWriterAndKill(dataDir, killAfter);
      if (result.signal !== 'SIGKILL') {
        throw new Error(
          `round ${round}: writer ended by itself (code ${result.code}) after ${result.acks.length} acks: ` +
            `${result.errorLine ?? ''}\n${result.stderr}`,
        );
      }
      expect(result.acks.length).toBeGreaterThanOrEqual(killAfter);
      acked.push(...result.acks);

      const now = await verifyStore(dataDir, acked);
      const ackedEvents = acked.reduce((n, a) => n + a.ids.length, 0);
      expect(now).toBeGreaterThanOrEqual(ackedEvents);
      expect(now).toBeGreaterThan(stored);
      stored = now;
    }

    // and the store still takes writes at the revisions it reports
    const store = openSqliteEventStore({ dataDir });
    try {
      for (const stream of STREAMS) {
        const [last] = await collect(store.readStream(stream, { direction: 'backwards', maxCount: 1 }));
        const result = await store.append(
          stream,
          [{ id: randomUUID(), type: 'AfterCrashes', data: {} }],
          last.revision,
        );
        expect(result.nextExpectedRevision).toBe(last.revision + 1n);
      }
    } finally {
      await store.close();
    }
  }, 180_000);
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
