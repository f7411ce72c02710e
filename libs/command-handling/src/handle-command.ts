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
      const result = await store.append(streamName, toStoredEvents(streamName, command, events, causation), revision);
      return { events, state: newState, nextExpectedRevision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
    }
  }
}

export async function loadState<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>,
): Promise<{ state: State; revision: ExpectedRevision & (bigint | 'no_stream') }> {
  const events: Event[] = [];
  let revision: bigint | 'no_stream' = 'no_stream';
  try {
    for await (const recorded of store.readStream(streamName)) {
      events.push({ type: recorded.type, data: recorded.data } as Event);
      revision = recorded.revision;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return { state: fold(decider.evolve, decider.initialState, events), revision };
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
