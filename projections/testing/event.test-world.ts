import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fact, HelpdeskHistory, type HistoryOptions, type InboundMessage } from '@helpdesk/domain/fixtures';
import {
  type Position,
  type RecordedEvent,
  type SqliteEventStore,
  StreamNotFoundError,
  openSqliteEventStore,
} from '@helpdesk/event-store';

export type WorldOptions = HistoryOptions;

/**
 * A real embedded event store and the history written to it: the helpdesk of the conversation
 * test world (a portal, one connected number, one approved template), its facts made by the
 * domain's deciders (`history`) and appended here as the command handlers append them.
 */
export interface EventWorld {
  readonly dataDir: string;
  readonly store: SqliteEventStore;
  readonly history: HelpdeskHistory;
  /** Appends facts in order, each run of one stream in one append; resolves to the last position. */
  append(...facts: readonly (readonly Fact[])[]): Promise<Position | undefined>;
  /** The history's clock, as the API's test clock was. */
  readonly clock: { now(): Date; set(iso: string): void };
  /** The events of `stream`, oldest first; none for a stream never written. */
  eventsOf(stream: string): Promise<RecordedEvent[]>;
  /** A contact's message by webhook, recorded. */
  receive(message: InboundMessage): Promise<Position | undefined>;
  close(): Promise<void>;
}

export async function openEventWorld(options: WorldOptions): Promise<EventWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'projection-'));
  const store = openSqliteEventStore({ dataDir });
  const { history, setup } = HelpdeskHistory.standard(options);
  const world: EventWorld = {
    dataDir,
    store,
    history,
    append: (...facts) => appendFacts(store, facts.flat()),
    clock: { now: () => new Date(history.clock), set: (iso) => void history.at(iso) },
    async eventsOf(stream) {
      const events: RecordedEvent[] = [];
      try {
        for await (const event of store.readStream(stream)) events.push(event);
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
      return events;
    },
    receive: (message) => appendFacts(store, history.receive(message)),
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await world.append(setup);
  return world;
}

/** As the command handlers store them: one append per command and stream, with who, why and under which rule. */
export async function appendFacts(store: SqliteEventStore, facts: readonly Fact[]): Promise<Position | undefined> {
  let position: Position | undefined;
  let index = 0;
  while (index < facts.length) {
    const first = facts[index];
    const batch: Fact[] = [];
    while (index < facts.length && facts[index].stream === first.stream && facts[index].context === first.context)
      batch.push(facts[index++]);
    const correlationId = randomUUID();
    const events = batch.map(({ event, context, command }) => {
      const ruleVersion = (event.data as { ruleVersion?: unknown }).ruleVersion;
      return {
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: {
          tenantId: context.portalId,
          actorId: `${context.actor.kind}:${context.actor.id}`,
          correlationId,
          causationId: correlationId,
          ...(typeof ruleVersion === 'string' && { ruleVersion }),
          command,
        },
      };
    });
    ({ position } = await store.append(first.stream, events));
  }
  return position;
}
