import { randomUUID } from 'node:crypto';
import {
  EventStore,
  ExpectedRevision,
  Position,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@helpdesk/event-store';
import { Decider, DomainCommand, DomainEvent, fold } from '@helpdesk/domain';
import { deterministicEventId } from './deterministic-event-id.js';
import { type CachedState, StateCache } from './state-cache.js';

export interface Causation {
  readonly correlationId: string;
  readonly causationId?: string;
}

export interface HandledCommand<Event, State> {
  readonly events: readonly Event[];
  readonly state: State;
  readonly nextExpectedRevision: bigint | 'no_stream';
  /** Where the new events stand in `$all`: what read-your-writes waits for. Absent when nothing was appended. */
  readonly position?: Position;
}

export interface HandleCommandOptions {
  readonly causation?: Causation;
  readonly maxAttempts?: number;
}

/** Load, fold, decide, append with the expected revision; on a concurrent write, do it all again. */
export async function handleCommand<Command extends DomainCommand, Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 20;
  const causation = options.causation ?? { correlationId: randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadState(store, streamName, decider);
    const events = decider.decide(command, state);
    const newState = fold(decider.evolve, state, events);
    if (events.length === 0) return { events, state: newState, nextExpectedRevision: revision };
    try {
      const stored = toStoredEvents(streamName, command, events, causation);
      const result = await store.append(streamName, stored, revision);
      const appended = { state: newState, revision: result.nextExpectedRevision, eventId: stored[stored.length - 1].id };
      rememberAppended(store, streamName, decider.evolve, revision, events.length, appended);
      return { events, state: newState, nextExpectedRevision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
    }
  }
}

type Folding<Event extends DomainEvent, State> = Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>;

/** The stream's state and revision: folded from what this process saw before plus what was appended since. */
export async function loadState<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Folding<Event, State>,
): Promise<{ state: State; revision: ExpectedRevision & (bigint | 'no_stream') }> {
  const cache = new StateCache<State>(store, decider.evolve);
  const cached = cache.get(streamName);
  const since = cached && (await readSince(store, streamName, cached, decider));
  if (since) {
    if (since.revision !== cached.revision) cache.set(streamName, since);
    return { state: since.state, revision: since.revision };
  }
  cache.forget(streamName);
  const events: Event[] = [];
  let revision: bigint | 'no_stream' = 'no_stream';
  let eventId = '';
  try {
    for await (const recorded of store.readStream(streamName)) {
      events.push({ type: recorded.type, data: recorded.data } as Event);
      revision = recorded.revision;
      eventId = recorded.id;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  const state = fold(decider.evolve, decider.initialState, events);
  if (revision !== 'no_stream') cache.set(streamName, { state, revision, eventId });
  return { state, revision };
}

/**
 * The cached state moved on by the events appended after it; undefined when the cached event is
 * no longer where it was (the stream was deleted or truncated meanwhile): then read it all again.
 */
async function readSince<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  cached: CachedState<State>,
  decider: Folding<Event, State>,
): Promise<CachedState<State> | undefined> {
  let { state, revision, eventId } = cached;
  let first = true;
  try {
    for await (const recorded of store.readStream(streamName, { fromRevision: cached.revision })) {
      if (first) {
        if (recorded.revision !== cached.revision || !sameId(recorded.id, cached.eventId)) return undefined;
        first = false;
        continue;
      }
      state = decider.evolve(state, { type: recorded.type, data: recorded.data } as Event);
      revision = recorded.revision;
      eventId = recorded.id;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  return first ? undefined : { state, revision, eventId };
}

function sameId(stored: string, remembered: string): boolean {
  return stored.toLowerCase() === remembered.toLowerCase();
}

/** Only when the append landed right after what was decided on: then the new state is the stream's. */
function rememberAppended<State>(
  store: EventStore,
  streamName: string,
  evolve: (state: State, event: never) => State,
  decidedAt: bigint | 'no_stream',
  count: number,
  appended: CachedState<State>,
): void {
  const expected = (decidedAt === 'no_stream' ? -1n : decidedAt) + BigInt(count);
  if (appended.revision === expected) new StateCache<State>(store, evolve).set(streamName, appended);
}

function toStoredEvents(streamName: string, command: DomainCommand, events: readonly DomainEvent[], causation: Causation) {
  const { context } = command;
  return events.map((event, index) => ({
    id: context.idempotencyKey
      ? deterministicEventId(`${streamName}|${context.idempotencyKey}|${index}`)
      : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      tenantId: context.portalId,
      actorId: `${context.actor.kind}:${context.actor.id}`,
      correlationId: causation.correlationId,
      causationId: causation.causationId ?? causation.correlationId,
      ...ruleVersionOf(event),
      ...(context.idempotencyKey && { idempotencyKey: context.idempotencyKey }),
      command: command.type,
    },
  }));
}

function ruleVersionOf(event: DomainEvent): { ruleVersion?: string } {
  const ruleVersion = (event.data as { ruleVersion?: unknown }).ruleVersion;
  return typeof ruleVersion === 'string' ? { ruleVersion } : {};
}
