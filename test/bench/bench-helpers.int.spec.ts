import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationDecider, conversationStreamName, fold } from '@helpdesk/domain';
import { openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { countTickets } from '@helpdesk/projections/ticket-list/index.js';
import { HistoryGenerator, type HistoryTarget, longConversationEvents, writeHistory } from './history.js';
import { latencyOf, markdownTable } from './measure.js';
import { rebuildProjections } from './rebuild.js';

/**
 * The benchmarks' helpers at a tiny size, for correctness only: nothing here is timed or asserted
 * on time (`npm run bench` measures; this only keeps its history and rebuild honest).
 */
const target: HistoryTarget = {
  portalId: 'bench-spec',
  appSecret: 'secret',
  wabaId: '100000000000001',
  connectedAt: '2025-01-01T00:00:00.000Z',
  numbers: [
    { phoneNumberId: '100000000000011', displayNumber: '+15550000011' },
    { phoneNumberId: '100000000000012', displayNumber: '+15550000012' },
  ],
};

describe('benchmark helpers', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-spec-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("generates conversations the real decider accepts, with the command shell's metadata", () => {
    const generator = new HistoryGenerator(target, 3);
    const conversation = generator.conversation(new Date('2025-01-02T10:00:00.000Z'));
    const types = conversation.events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'InboundMessageReceived',
      'SessionOpened',
    ]);
    expect(types).toEqual(expect.arrayContaining(['ReplyAccepted', 'OutboundWamidRecorded', 'DeliveryStatusRecorded']));
    const state = fold(conversationDecider.evolve, conversationDecider.initialState, conversation.events as never[]);
    expect(state.status).toBe('Started');
    expect(conversation.events[0].metadata).toMatchObject({ tenantId: 'bench-spec', command: 'ReceiveInboundMessage' });
    expect(conversation.inbox).toHaveLength(2);
  });

  it('writes a history through the store and rebuilds every projection from it', async () => {
    const store = openSqliteEventStore({ dataDir: dir });
    const written = await writeHistory(store, target, {
      events: 1_500,
      startAt: new Date(Date.now() - 3600_000),
      inFlight: 16,
    });
    expect(written.events).toBeGreaterThanOrEqual(1_500);
    let stored = 0;
    for await (const _event of store.readAll()) stored++;
    expect(stored).toBe(written.events);
    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read.sqlite') });
    try {
      const outcome = await rebuildProjections(store, readStore.db, REGISTERED_PROJECTIONS);
      expect(outcome.complete).toBe(true);
      expect(Number(outcome.reached?.commit)).toBe(stored);
      const tickets = await countTickets(readStore.db, { portalId: target.portalId });
      expect(tickets).toEqual({ count: written.conversations, capped: false });
    } finally {
      await readStore.close();
      await store.close();
    }
  });

  it('makes one long conversation of exactly the asked number of events', async () => {
    const { conversationId, events } = longConversationEvents(target, 300, new Date('2025-01-05T00:00:00.000Z'));
    expect(events).toHaveLength(300);
    const store = openSqliteEventStore({ dataDir: dir });
    try {
      await store.append(conversationStreamName(conversationId), events, 'no_stream');
    } finally {
      await store.close();
    }
  });

  it('reports nearest-rank percentiles and Markdown tables', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencyOf(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
