/**
 * EventStoreDB only (the in-process gRPC server and its fault modes): what a real node answers
 * while it starts, during a leader election, when a commit times out, past 25.1's per-event size
 * limit and with a skewed clock, and what the adapter and the command shell make of it.
 * Each fault is injected for a number of appends, never for a length of time.
 */
import { type Decider, type DomainCommand, type DomainEvent } from '@helpdesk/domain';
import { handleCommand } from '@helpdesk/command-handling';
import {
  AppendOutcomeUnknownError,
  EventStore,
  EventTooLargeError,
  InvalidEventError,
  StoreUnavailableError,
} from '@helpdesk/event-store';
import { connectEventStoreDB } from '../../libs/event-store/src/eventstoredb/index.js';
import {
  type InProcessEventStoreDB,
  type InProcessServerOptions,
  startInProcessEventStoreDB,
} from '../esdb-server/index.js';
import { event, events, failure, ids, readStream, revisions, uniqueStream } from './support.js';

type Noted = DomainEvent<'Noted', { text: string }>;
type Note = DomainCommand<'Note', { text: string }>;

/** Not idempotent on its own: a second decision would append a second note. */
const notes: Decider<Note, Noted, number> = {
  initialState: 0,
  evolve: (count) => count + 1,
  decide: (command) => [{ type: 'Noted', data: { text: command.data.text } }],
};
const note = (text: string): Note => ({
  type: 'Note',
  data: { text },
  context: { portalId: 'portal-a', actor: { kind: 'user', id: 'agent-1' }, now: new Date('2024-01-01T00:00:00Z') },
});
/** Retries at once: the faults are counted in appends, so waiting adds nothing. */
const noWait = { baseMs: 0, maxMs: 0, sleep: async () => undefined };

const transports: { name: string; options: InProcessServerOptions }[] = [
  { name: 'BatchAppend', options: {} },
  { name: 'Append', options: { advertiseBatchAppend: false } },
];

describe.each(transports)('eventstoredb (in-process gRPC, $name): faults of a real node', ({ options }) => {
  let server: InProcessEventStoreDB;
  let store: EventStore;

  beforeAll(async () => {
    server = await startInProcessEventStoreDB({ ...options, maxAppendEventSize: 4 * 1024 });
  });
  afterAll(() => server.shutdown());
  beforeEach(() => {
    store = connectEventStoreDB(server.connectionString);
  });
  afterEach(async () => {
    server.clearFaults();
    await store.close();
  });

  describe('a node that is not ready (starting)', () => {
    it('refuses appends as unavailable, writes nothing, and takes them once ready', async () => {
      const stream = uniqueStream();
      const batch = events(2);
      server.notReady();

      const refused = await failure(() => store.append(stream, batch, 'no_stream'));
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).not.toBeInstanceOf(AppendOutcomeUnknownError);
      await expect(readStream(store, stream)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });

      server.ready();
      expect((await store.append(stream, batch, 'no_stream')).nextExpectedRevision).toBe(1n);
    });
  });

  describe('a leader election', () => {
    it('refuses appends as unavailable during the window, then takes them', async () => {
      const stream = uniqueStream();
      server.changeLeader(2);

      for (let refused = 0; refused < 2; refused++) {
        expect(await failure(() => store.append(stream, events(1), 'no_stream'))).toBeInstanceOf(StoreUnavailableError);
      }
      expect(server.pendingAppendFaults).toBe(0);
      const batch = events(1);
      expect((await store.append(stream, batch, 'no_stream')).nextExpectedRevision).toBe(0n);
      expect(ids(await readStream(store, stream))).toEqual(ids(batch));
    });

    it('the command shell rides it out: the command succeeds, decided and written once', async () => {
      const stream = uniqueStream();
      server.changeLeader(3);

      const handled = await handleCommand(store, stream, notes, note('hello'), { unavailableBackoff: noWait });

      expect(handled.nextExpectedRevision).toBe(0n);
      expect(server.pendingAppendFaults).toBe(0);
      expect((await readStream(store, stream)).map((e) => e.data)).toEqual([{ text: 'hello' }]);
    });

    it('the command shell gives up after its attempts with StoreUnavailableError, having written nothing', async () => {
      const stream = uniqueStream();
      server.changeLeader(3);

      const failed = await failure(() =>
        handleCommand(store, stream, notes, note('hello'), { unavailableAttempts: 2, unavailableBackoff: noWait }),
      );

      expect(failed).toBeInstanceOf(StoreUnavailableError);
      await expect(readStream(store, stream)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
      // The window's last refusal goes to the next append.
      expect(await failure(() => store.append(uniqueStream(), events(1)))).toBeInstanceOf(StoreUnavailableError);
      expect(server.pendingAppendFaults).toBe(0);
    });
  });

  describe('a commit timeout', () => {
    it.each(['no_stream', 'exact', 'any', 'stream_exists'] as const)(
      'after the write landed (%s): the append succeeds, found by its event ids, written once',
      async (expectation) => {
        const stream = uniqueStream();
        const head = events(1, 'Head');
        await store.append(stream, head, 'no_stream');
        const target = expectation === 'no_stream' ? uniqueStream() : stream;
        const expected = expectation === 'exact' ? 0n : expectation;
        const batch = events(3, 'Timed');
        server.injectAppendFaults('commit-timeout-landed');

        const result = await store.append(target, batch, expected);

        const read = await readStream(store, target);
        expect(ids(read).filter((id) => ids(batch).includes(id))).toEqual(ids(batch));
        expect(result.nextExpectedRevision).toBe(read.at(-1)?.revision);
        expect(result.position).toEqual(read.at(-1)?.position);
      },
    );

    it('when the write did not land: AppendOutcomeUnknownError, nothing written, and a retry writes it once', async () => {
      const stream = uniqueStream();
      const batch = events(2);
      server.injectAppendFaults('commit-timeout-lost');

      const unknown = await failure(() => store.append(stream, batch, 'no_stream'));
      expect(unknown).toBeInstanceOf(AppendOutcomeUnknownError);
      expect(unknown).toBeInstanceOf(StoreUnavailableError);
      await expect(readStream(store, stream)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });

      expect((await store.append(stream, batch, 'no_stream')).nextExpectedRevision).toBe(1n);
      expect(revisions(await readStream(store, stream))).toEqual([0n, 1n]);
    });

    it('the command shell retries the same events: one note, whichever way the timeout went', async () => {
      const landed = uniqueStream();
      const lost = uniqueStream();
      server.injectAppendFaults('commit-timeout-lost', 'commit-timeout-lost');

      await handleCommand(store, lost, notes, note('lost'), { unavailableBackoff: noWait });
      server.injectAppendFaults('commit-timeout-landed');
      await handleCommand(store, landed, notes, note('landed'), { unavailableBackoff: noWait });

      expect((await readStream(store, lost)).map((e) => e.data)).toEqual([{ text: 'lost' }]);
      expect((await readStream(store, landed)).map((e) => e.data)).toEqual([{ text: 'landed' }]);
    });
  });

  describe("25.1's per-event size limit", () => {
    it('refuses an event over the limit with EventTooLargeError (not retryable), writing nothing', async () => {
      const stream = uniqueStream();
      const big = event('Big', { text: 'x'.repeat(8 * 1024) });

      const refused = await failure(() => store.append(stream, [event('Small', {}), big], 'no_stream'));

      expect(refused).toBeInstanceOf(EventTooLargeError);
      expect(refused).toBeInstanceOf(InvalidEventError);
      expect(refused).not.toBeInstanceOf(StoreUnavailableError);
      await expect(readStream(store, stream)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
    });
  });

  describe('clock skew', () => {
    it("appends still succeed when the server's clock is 30 s ahead of the client's", async () => {
      const stream = uniqueStream();
      server.skewClock(30_000);
      expect((await store.append(stream, events(1), 'no_stream')).nextExpectedRevision).toBe(0n);
    });
  });
});

describe('eventstoredb (in-process gRPC): idempotency across a restart', () => {
  let server: InProcessEventStoreDB;
  let store: EventStore;

  beforeAll(async () => {
    server = await startInProcessEventStoreDB();
  });
  afterAll(() => server.shutdown());
  beforeEach(() => {
    store = connectEventStoreDB(server.connectionString);
  });
  afterEach(() => store.close());

  async function restart(): Promise<void> {
    await server.restart();
    // The client reconnects by itself; the first call after the drop may still see it.
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await store.append(uniqueStream(), events(1));
        return;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
      }
    }
  }

  it.each([
    ['no_stream', 'no_stream'],
    ['exact', 0n],
  ] as const)('a %s retry stays idempotent after the server restarted', async (_name, expected) => {
    const stream = uniqueStream();
    if (expected !== 'no_stream') await store.append(stream, events(1, 'Head'), 'no_stream');
    const batch = events(2);
    const first = await store.append(stream, batch, expected);

    await restart();
    const retry = await store.append(stream, batch, expected);

    expect(retry).toEqual(first);
    expect(ids(await readStream(store, stream)).filter((id) => ids(batch).includes(id))).toEqual(ids(batch));
  });
});
