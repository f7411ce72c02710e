/**
 * The fault modes, as the real client 6.2.1 sees them (no adapter in between): the errors below
 * are what an application gets from a real node in the same situation.
 */
import { randomUUID } from 'node:crypto';
import {
  DeadlineExceededError,
  EventStoreDBClient,
  NO_STREAM,
  TimeoutError,
  UnavailableError,
  UnknownError,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
} from '@eventstore/db-client';
import { collect, failure } from '../support/async-results.js';
import { startInProcessEventStoreDB, type InProcessEventStoreDB, type InProcessServerOptions } from './index.js';

const uniqueStream = (): string => `fault-${randomUUID().slice(0, 8)}`;
const events = (count: number): EventData[] =>
  Array.from({ length: count }, (_, index) => jsonEvent({ type: 'Happened', data: { index } }));

async function withServer(
  options: InProcessServerOptions,
  body: (server: InProcessEventStoreDB, client: EventStoreDBClient) => Promise<void>,
): Promise<void> {
  const server = await startInProcessEventStoreDB(options);
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    await body(server, client);
  } finally {
    await client.dispose();
    await server.shutdown();
  }
}

const append = (client: EventStoreDBClient, stream: string, batch: EventData[], expected: AppendExpectedRevision) =>
  client.appendToStream(stream, batch, { expectedRevision: expected });
const revisionsOf = async (client: EventStoreDBClient, stream: string) =>
  (await collect(client.readStream(stream))).map(({ event }) => event?.revision);

describe('in-process EventStoreDB: what client 6.2.1 gets from each fault', () => {
  it('BatchAppend while not ready or electing: a code-0 Status the client calls UnknownError', () =>
    withServer({}, async (server, client) => {
      server.notReady();
      const notReady = await failure(() => append(client, uniqueStream(), events(1), NO_STREAM));
      expect(notReady).toBeInstanceOf(UnknownError);
      expect((notReady as Error).message).toBe('Could not recognize Server Is Not Ready');
      server.ready();

      server.changeLeader(1);
      const noLeader = await failure(() => append(client, uniqueStream(), events(1), NO_STREAM));
      expect((noLeader as Error).message).toBe('Could not recognize No leader info available in response');
    }));

  it('Append while not ready: UnavailableError; while electing: UnknownError', () =>
    withServer({ advertiseBatchAppend: false }, async (server, client) => {
      server.notReady();
      expect(await failure(() => append(client, uniqueStream(), events(1), NO_STREAM))).toBeInstanceOf(
        UnavailableError,
      );
      server.ready();
      server.changeLeader(1);
      const noLeader = await failure(() => append(client, uniqueStream(), events(1), NO_STREAM));
      expect(noLeader).toBeInstanceOf(UnknownError);
      expect((noLeader as Error).message).toMatch(/No leader info available/);
    }));

  it.each([
    ['BatchAppend', true, DeadlineExceededError],
    ['Append', false, TimeoutError],
  ] as const)('%s commit timeout: an error either way, whether the write landed or not', (_path, batch, errorType) =>
    withServer({ advertiseBatchAppend: batch }, async (server, client) => {
      const landed = uniqueStream();
      const lost = uniqueStream();
      server.injectAppendFaults('commit-timeout-landed', 'commit-timeout-lost');
      expect(await failure(() => append(client, landed, events(2), NO_STREAM))).toBeInstanceOf(errorType);
      expect(await failure(() => append(client, lost, events(2), NO_STREAM))).toBeInstanceOf(errorType);
      expect(await revisionsOf(client, landed)).toEqual([0n, 1n]);
      expect(await failure(() => revisionsOf(client, lost))).toMatchObject({ type: 'stream-not-found' });
    }),
  );

  it.each([
    ['BatchAppend', true],
    ['Append', false],
  ] as const)("%s past 25.1's per-event limit: UnknownError", (_path, batch) =>
    withServer({ advertiseBatchAppend: batch, maxAppendEventSize: 1024 }, async (_server, client) => {
      const big = jsonEvent({ type: 'Big', data: { text: 'x'.repeat(2048) } });
      const refused = await failure(() => append(client, uniqueStream(), [big], NO_STREAM));
      expect(refused).toBeInstanceOf(UnknownError);
      expect((refused as Error).message).toMatch(/MaximumAppendEventSizeExceeded|Maximum Append Event Size/);
    }),
  );

  it("BatchAppend with the client's default 10 s deadline and a server clock 30 s ahead: every append times out", () =>
    withServer({}, async (server, client) => {
      server.skewClock(30_000);
      const stream = uniqueStream();
      expect(await failure(() => append(client, stream, events(1), NO_STREAM))).toBeInstanceOf(DeadlineExceededError);
      // A deadline beyond the skew is judged by the server's clock and passes.
      const result = await client.appendToStream(stream, events(1), { expectedRevision: NO_STREAM, deadline: 60_000 });
      expect(result.nextExpectedRevision).toBe(0n);
    }));
});

describe("in-process EventStoreDB: 'any' idempotency lives in a window of recent commits", () => {
  it("an 'any' retry is recognised within the window, and written again once a restart emptied it", () =>
    withServer({}, async (server, client) => {
      const stream = uniqueStream();
      const batch = events(2);
      const first = await append(client, stream, batch, 'any');
      expect(await append(client, stream, batch, 'any')).toEqual(first);

      await server.restart();
      for (let attempt = 0; ; attempt++) {
        try {
          await append(client, uniqueStream(), events(1), 'any');
          break;
        } catch (error) {
          if (!(error instanceof UnavailableError) || attempt > 100) throw error;
        }
      }
      const again = await append(client, stream, batch, 'any');
      expect(again.nextExpectedRevision).toBe(3n);
      expect(await revisionsOf(client, stream)).toEqual([0n, 1n, 2n, 3n]);
      // An exact retry is checked against the stream itself: still idempotent.
      expect(await append(client, stream, batch, 1n)).toMatchObject({ nextExpectedRevision: 3n });
      expect(await revisionsOf(client, stream)).toEqual([0n, 1n, 2n, 3n]);
    }));

  it("an 'any' retry past the window's size is written again", () =>
    withServer({ idempotencyWindowBytes: 2_000 }, async (_server, client) => {
      const stream = uniqueStream();
      const batch = events(1);
      await append(client, stream, batch, 'any');
      // Each commit takes 28 bytes plus two per character of its stream's name.
      for (let other = 0; other < 50; other++) await append(client, uniqueStream(), events(1), 'any');
      expect((await append(client, stream, batch, 'any')).nextExpectedRevision).toBe(1n);
    }));
});
