/**
 * The writer the crash test SIGKILLs. Loaded by `sqlite-writer.child.cjs` (through the
 * `register-ts.cjs` hook), so it runs from the TypeScript sources without a build.
 *
 * One async loop per stream appends batches of 1-5 events with the exact expected revision and
 * prints one `ack` line per append, only after the append promise resolved. Each event carries
 * `{ batch, index, of }` so the parent can tell a whole batch from a half-written one.
 */
import { randomUUID } from 'node:crypto';
import { ExpectedRevision, StreamNotFoundError } from '../../libs/event-store/src/port/index.js';
import { openSqliteEventStore } from '../../libs/event-store/src/sqlite/index.js';

export interface CrashEventData {
  readonly batch: string;
  readonly index: number;
  readonly of: number;
}

export type WriterLine =
  | { readonly t: 'ready'; readonly revisions: Record<string, string> }
  /** `first`/`last`: the revisions of the batch's first and last event, as decimal strings. */
  | {
      readonly t: 'ack';
      readonly stream: string;
      readonly batch: string;
      readonly ids: string[];
      readonly first: string;
      readonly last: string;
    }
  | { readonly t: 'error'; readonly message: string };

function print(line: WriterLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export function main(dataDir: string, streams: readonly string[]): void {
  run(dataDir, streams).catch((error: unknown) => {
    print({ t: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    process.exit(1);
  });
}

async function run(dataDir: string, streams: readonly string[]): Promise<void> {
  const store = openSqliteEventStore({ dataDir });

  const current = new Map<string, ExpectedRevision>();
  for (const stream of streams) {
    try {
      for await (const last of store.readStream(stream, { direction: 'backwards', maxCount: 1 })) {
        current.set(stream, last.revision);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      current.set(stream, 'no_stream');
    }
  }
  print({ t: 'ready', revisions: Object.fromEntries([...current].map(([s, r]) => [s, r.toString()])) });

  await Promise.all(
    streams.map(async (stream) => {
      for (;;) {
        const expected = current.get(stream)!;
        const of = 1 + Math.floor(Math.random() * 5);
        const batch = randomUUID();
        const events = Array.from({ length: of }, (_, index) => ({
          id: randomUUID(),
          type: 'CrashTest',
          data: { batch, index, of } satisfies CrashEventData,
        }));
        const result = await store.append(stream, events, expected);
        const first = expected === 'no_stream' ? 0n : (expected as bigint) + 1n;
        if (result.nextExpectedRevision !== first + BigInt(of) - 1n) {
          throw new Error(`append to ${stream} at ${String(expected)} returned ${result.nextExpectedRevision}`);
        }
        print({
          t: 'ack',
          stream,
          batch,
          ids: events.map((e) => e.id),
          first: first.toString(),
          last: result.nextExpectedRevision.toString(),
        });
        current.set(stream, result.nextExpectedRevision);
      }
    }),
  );
}
