import { randomUUID } from 'node:crypto';
import {
  AllSubscription,
  EventMetadata,
  EventStore,
  EventToAppend,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
  comparePositions,
} from '@helpdesk/event-store';
import { collect } from '../support/async-results.js';
import { storesUnderTest, type StoreUnderTest } from './stores-under-test.js';

export { collect, failure } from '../support/async-results.js';

/* ------------------------------------------------------------------ names */

function hex(length: number): string {
  return randomUUID().replace(/-/g, '').slice(0, length);
}

/** A prefix no other test (or other run against a shared server) uses: `ct` + 12 hex digits. */
export function uniquePrefix(label = 'ct'): string {
  return `${label}${hex(12)}`;
}

/** A stream name no other test uses; under `prefix` when given (for prefix filters). */
export function uniqueStream(prefix: string = uniquePrefix()): string {
  return `${prefix}-${hex(8)}`;
}

/* ----------------------------------------------------------------- events */

export function event<Data = unknown>(type: string, data: Data, metadata?: EventMetadata): EventToAppend<Data> {
  return metadata === undefined ? { id: randomUUID(), type, data } : { id: randomUUID(), type, data, metadata };
}

/** `count` events of `type`, data `{ n: i }` (plus `extra`). */
export function events(count: number, type = 'Thing', extra: Record<string, unknown> = {}): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => event(type, { n: i, ...extra }));
}

/* ------------------------------------------------------------------ reads */

/** Reads a stream into an array; a synchronous throw from `readStream` becomes a rejection too. */
export async function readStream(
  store: EventStore,
  streamName: string,
  options?: ReadStreamOptions,
): Promise<RecordedEvent[]> {
  return collect(store.readStream(streamName, options));
}

export async function readAll(store: EventStore, options?: ReadAllOptions): Promise<RecordedEvent[]> {
  return collect(store.readAll(options));
}

/**
 * Where `$all` ends now: the position of its last event, or 'start' when empty.
 * Reading forwards from it (inclusive) or subscribing from it (exclusive) covers everything appended later.
 */
export async function allMark(store: EventStore): Promise<Position | 'start'> {
  const [last] = await readAll(store, { direction: 'backwards', fromPosition: 'end', maxCount: 1 });
  return last ? last.position : 'start';
}

/** The events of `$all` after `mark` (exclusive) whose stream starts with `prefix` (or is in the given set). */
export async function readAllSince(
  store: EventStore,
  mark: Position | 'start',
  streams: string | ReadonlySet<string>,
): Promise<RecordedEvent[]> {
  const mine = belongsTo(streams);
  const after = (e: RecordedEvent) => mark === 'start' || comparePositions(e.position, mark) > 0;
  return (await readAll(store, { fromPosition: mark })).filter((e) => after(e) && mine(e));
}

/** `$all` backwards from 'end', stopping at `mark` (excluded): the newest events first. */
export async function readAllBackwardsSince(store: EventStore, mark: Position | 'start'): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll({ direction: 'backwards' })) {
    if (mark !== 'start' && comparePositions(e.position, mark) <= 0) break;
    out.push(e);
  }
  return out;
}

export function belongsTo(streams: string | ReadonlySet<string> | readonly string[]): (e: RecordedEvent) => boolean {
  if (typeof streams === 'string') return (e) => e.streamName.startsWith(streams);
  const set = new Set(streams);
  return (e) => set.has(e.streamName);
}

export const ids = (list: readonly { id: string }[]): string[] => list.map((e) => e.id);
export const revisions = (list: readonly RecordedEvent[]): bigint[] => list.map((e) => e.revision);
export const range = (from: number, toInclusive: number): bigint[] =>
  Array.from({ length: toInclusive - from + 1 }, (_, i) => BigInt(from + i));

export function expectStrictlyIncreasing(positions: readonly Position[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) {
      throw new Error(`positions not strictly increasing at ${i}: ${fmt(positions[i - 1])} then ${fmt(positions[i])}`);
    }
  }
}

export function fmt(p: Position | 'start' | 'end'): string {
  return typeof p === 'string' ? p : `${p.commit}/${p.prepare}`;
}

/* ---------------------------------------------------------- subscriptions */

/**
 * One iterator per subscription, so `take` can be called several times on the same subscription
 * (a `for await` + `break` would call `return()` and end it).
 */
const iterators = new WeakMap<AllSubscription, AsyncIterator<SubscriptionMessage>>();

function iteratorOf(subscription: AllSubscription): AsyncIterator<SubscriptionMessage> {
  let it = iterators.get(subscription);
  if (!it) {
    it = subscription[Symbol.asyncIterator]();
    iterators.set(subscription, it);
  }
  return it;
}

/** The next message, or `undefined` when iteration ended. */
export async function nextMessage(subscription: AllSubscription): Promise<SubscriptionMessage | undefined> {
  const result = await iteratorOf(subscription).next();
  return result.done ? undefined : result.value;
}

/**
 * Reads messages until `n` events matching `where` arrived; returns every message read
 * (matching events, checkpoints, caughtUp), events not matching `where` left out.
 * Fails if the subscription ends first.
 */
export async function takeMessages(
  subscription: AllSubscription,
  n: number,
  where: (e: RecordedEvent) => boolean = () => true,
): Promise<SubscriptionMessage[]> {
  const out: SubscriptionMessage[] = [];
  let count = 0;
  while (count < n) {
    const message = await nextMessage(subscription);
    if (message === undefined) throw new Error(`subscription ended after ${count} of ${n} events`);
    if (message.kind === 'event') {
      if (!where(message.event)) continue;
      count++;
    }
    out.push(message);
  }
  return out;
}

/** The next `n` events matching `where` (others, checkpoints and caughtUp are skipped). */
export async function take(
  subscription: AllSubscription,
  n: number,
  where: (e: RecordedEvent) => boolean = () => true,
): Promise<RecordedEvent[]> {
  return eventsOf(await takeMessages(subscription, n, where));
}

/** Reads messages until `stop` returns true for one of them; returns all read up to and including it. */
export async function takeUntil(
  subscription: AllSubscription,
  stop: (m: SubscriptionMessage) => boolean,
): Promise<SubscriptionMessage[]> {
  const out: SubscriptionMessage[] = [];
  for (;;) {
    const message = await nextMessage(subscription);
    if (message === undefined)
      throw new Error(`subscription ended after ${out.length} messages before the awaited one`);
    out.push(message);
    if (stop(message)) return out;
  }
}

export const isCaughtUp = (m: SubscriptionMessage): boolean => m.kind === 'caughtUp';

export function eventsOf(messages: readonly SubscriptionMessage[]): RecordedEvent[] {
  return messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
}

export function checkpointsOf(messages: readonly SubscriptionMessage[]): Position[] {
  return messages.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));
}

/**
 * Checkpoints strictly increase, and an event delivered after a checkpoint lies after it:
 * resuming (exclusively) from any checkpoint can never skip a matching event.
 */
export function expectConsistentCheckpoints(messages: readonly SubscriptionMessage[]): void {
  let lastCheckpoint: Position | undefined;
  for (const message of messages) {
    if (message.kind === 'checkpoint') {
      if (lastCheckpoint && comparePositions(lastCheckpoint, message.position) >= 0) {
        throw new Error(`checkpoint ${fmt(message.position)} does not increase on ${fmt(lastCheckpoint)}`);
      }
      lastCheckpoint = message.position;
    } else if (message.kind === 'event' && lastCheckpoint) {
      if (comparePositions(message.event.position, lastCheckpoint) <= 0) {
        throw new Error(`event at ${fmt(message.event.position)} delivered after checkpoint ${fmt(lastCheckpoint)}`);
      }
    }
  }
}

/* ------------------------------------------------------------ test wiring */

export interface StoreContext {
  readonly store: EventStore;
  /** A subscription closed after the test, whatever happens. */
  subscribe(options?: SubscribeToAllOptions): AllSubscription;
}

/**
 * Registers the hooks that give every test of the enclosing `describe` a fresh store from `sut`
 * and close its subscriptions and the store afterwards.
 */
export function useStore(sut: StoreUnderTest): StoreContext {
  let current: { store: EventStore; dispose(): Promise<void> } | undefined;
  let subscriptions: AllSubscription[] = [];

  beforeAll(() => sut.setUp(), 60_000);
  afterAll(() => sut.tearDown(), 60_000);
  beforeEach(async () => {
    current = await sut.open();
  }, 60_000);
  afterEach(async () => {
    const open = subscriptions;
    subscriptions = [];
    await Promise.allSettled(open.map((s) => s.close()));
    const done = current;
    current = undefined;
    await done?.dispose();
  }, 60_000);

  return {
    get store(): EventStore {
      if (!current) throw new Error('no store: used outside a test');
      return current.store;
    },
    subscribe(options?: SubscribeToAllOptions): AllSubscription {
      if (!current) throw new Error('no store: used outside a test');
      const subscription = current.store.subscribeToAll(options);
      subscriptions.push(subscription);
      return subscription;
    },
  };
}

/**
 * A contract `describe` run once on every store under test (its name after `title`), each of its
 * tests on a fresh store from `useStore`.
 */
export function describeContract(title: string, body: (ctx: StoreContext, sut: StoreUnderTest) => void): void {
  describe.each(storesUnderTest())(`${title}: $name`, (sut) => body(useStore(sut), sut));
}

/** Generous guards for tests that move thousands of events; they only bound a failure. */
export const SLOW = 120_000;
