import type { EventStore } from '@helpdesk/event-store';
import type { UsedKeys } from './idempotency.js';

/**
 * A stream's state as folded up to `revision`, whose event had id `eventId`, and the idempotency
 * keys its events were written under. `keys` is shared by the states of one stream and only grows:
 * a key in it is recorded in the stream, even if at a revision after this state's.
 */
export interface CachedState<State> {
  readonly state: State;
  readonly revision: bigint;
  readonly eventId: string;
  readonly keys: UsedKeys;
}

type Evolve = (state: never, event: never) => unknown;

/** Streams remembered per store and per kind of state; the least recently used beyond this are forgotten. */
const STREAMS_PER_KIND = 5_000;

const caches = new WeakMap<EventStore, WeakMap<Evolve, Map<string, CachedState<unknown>>>>();

/**
 * States folded earlier in this process, so loading a stream reads only the events appended since
 * instead of the whole stream. States are immutable, so one can be handed to several commands;
 * the expected revision on append still decides whether a decision may be written.
 */
export class StateCache<State> {
  private readonly streams: Map<string, CachedState<unknown>>;

  constructor(store: EventStore, evolve: Evolve) {
    let kinds = caches.get(store);
    if (!kinds) caches.set(store, (kinds = new WeakMap()));
    let streams = kinds.get(evolve);
    if (!streams) kinds.set(evolve, (streams = new Map()));
    this.streams = streams;
  }

  get(streamName: string): CachedState<State> | undefined {
    const cached = this.streams.get(streamName) as CachedState<State> | undefined;
    if (cached) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.streams.delete(streamName);
      this.streams.set(streamName, cached);
    }
    return cached;
  }

  set(streamName: string, cached: CachedState<State>): void {
    const known = this.streams.get(streamName);
    if (known && known.revision > cached.revision) return;
    this.streams.delete(streamName);
    this.streams.set(streamName, cached);
    if (this.streams.size > STREAMS_PER_KIND) this.streams.delete(this.streams.keys().next().value as string);
  }

  forget(streamName: string): void {
    this.streams.delete(streamName);
  }
}
