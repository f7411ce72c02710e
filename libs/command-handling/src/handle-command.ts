import { randomUUID } from 'node:crypto';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '@helpdesk/event-store';
import { Decider, DomainCommand, DomainEvent, fold } from '@helpdesk/domain';
import { retryDelayMs } from './backoff.js';
import { deterministicEventId } from './deterministic-event-id.js';
import { type UsedKeys, commandFingerprint, isReplay, keyMetadata, noteKeyUse } from './idempotency.js';
import { type CachedState, StateCache } from './state-cache.js';
import { type CommandOutcome, inAppendSpan, inCommandSpan, traceMetadata } from './command-spans.js';

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
  /** The stream already held this request under its idempotency key: nothing was decided or appended. */
  readonly replayed?: boolean;
}

export interface HandleCommandOptions {
  /** See `OlderNames`. */
  readonly olderNames?: readonly string[];
  readonly causation?: Causation;
  readonly maxAttempts?: number;
  /**
   * What the client asked for, when it chose the idempotency key (e.g. the mutation's name and
   * input without the key): the key then names this request only, and another request under it
   * is refused with IDEMPOTENCY_KEY_REUSED. Without it (keys the service derives) nothing is
   * looked up; event ids still derive from the command type, so two commands never share one.
   */
  readonly request?: unknown;
  /** How long to wait before trying again after a concurrent write; without it, at once. */
  readonly backoff?: Backoff;
  /**
   * While the store is unavailable (down, starting, electing a leader, or a commit timed out) the
   * same events are appended again at the same revision, up to this many times in all (default 6), waiting
   * `unavailableBackoff` in between; then StoreUnavailableError reaches the caller.
   */
  readonly unavailableAttempts?: number;
  /** Default: 100 ms doubling up to 1 s, full jitter: about 2.5 s at most in all; longer outages are the caller's to retry. */
  readonly unavailableBackoff?: Backoff;
}

const DEFAULT_UNAVAILABLE_ATTEMPTS = 6;
const DEFAULT_UNAVAILABLE_BACKOFF: Backoff = { baseMs: 100, maxMs: 1_000 };

/**
 * Exponential backoff with full jitter: before attempt n+1, a random wait in
 * [0, min(maxMs, baseMs * 2^(n-1))). Writers racing for one hot stream then spread out instead of
 * reading and losing again in lockstep. `random` and `sleep` are there for tests.
 */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The wait before the attempt after `attempt` (1 for the first retry). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return retryDelayMs(attempt, backoff.random ?? Math.random, { baseMs: backoff.baseMs, capMs: backoff.maxMs });
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Load, fold, decide, append with the expected revision; on a concurrent write, do it all again. */
export async function handleCommand<Command extends DomainCommand, Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State>,
  command: Command | CommandOnState<Command, State>,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<Event, State>> {
  return inCommandSpan(command.type, streamName, (outcome) =>
    decideAndAppend(store, streamName, decider, command, options, outcome),
  );
}

/**
 * A command completed from the stream's state, once per attempt, after the stream is read and
 * before deciding: what it carries may depend on that state (a lookup the state makes needless),
 * without reading the stream a second time to find out.
 */
export interface CommandOnState<Command extends DomainCommand, State> {
  readonly type: Command['type'];
  build(state: State): Command | Promise<Command>;
}

/** Called after each append this process makes through `handleCommand` to a stream of the store, landed or not. */
export type AppendListener = (streamName: string) => void;

const appendListeners = new WeakMap<EventStore, Set<AppendListener>>();

/**
 * Tells `listener` of every append `handleCommand` makes on `store` (whether it landed or not), at
 * once, before the command returns: for in-process caches derived from streams. Returns the way to stop.
 */
export function onAppended(store: EventStore, listener: AppendListener): () => void {
  let listeners = appendListeners.get(store);
  if (!listeners) appendListeners.set(store, (listeners = new Set()));
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function notifyAppended(store: EventStore, streamName: string): void {
  appendListeners.get(store)?.forEach((listener) => listener(streamName));
}

async function decideAndAppend<Command extends DomainCommand, Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State>,
  given: Command | CommandOnState<Command, State>,
  options: HandleCommandOptions,
  outcome: (value: CommandOutcome) => void,
): Promise<HandledCommand<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 20;
  const causation = options.causation ?? { correlationId: randomUUID() };
  const fingerprint = commandFingerprint(given.type, options.request);
  for (let attempt = 1; ; attempt++) {
    const { state, revision, keys } = await loadStream(store, streamName, decider, options);
    const command = 'build' in given ? await given.build(state) : given;
    // Before deciding: a retried command is not decided again, another command under its key is refused.
    if (isReplay(keys, command.type, command.context, fingerprint)) {
      outcome('replayed');
      return { events: [], state, nextExpectedRevision: revision, replayed: true };
    }
    const events = decider.decide(command, state);
    const newState = fold(decider.evolve, state, events);
    if (events.length === 0) {
      outcome('unchanged');
      return { events, state: newState, nextExpectedRevision: revision };
    }
    try {
      const stored = toStoredEvents(streamName, command, events, causation, fingerprint);
      const result = await inAppendSpan(streamName, stored.length, () =>
        appendThroughOutages(store, streamName, stored, revision, options).finally(() =>
          notifyAppended(store, streamName),
        ),
      );
      outcome('appended');
      // Only once the append is acknowledged is the key a fact of the stream.
      for (const event of stored) noteKeyUse(keys, event.metadata);
      const appended = {
        state: newState,
        revision: result.nextExpectedRevision,
        eventId: stored[stored.length - 1].id,
        keys,
      };
      rememberAppended(store, cacheKeyOf(streamName, options), decider.evolve, revision, events.length, appended);
      return { events, state: newState, nextExpectedRevision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
    }
    if (options.backoff) await (options.backoff.sleep ?? sleepFor)(backoffDelay(options.backoff, attempt));
  }
}

/**
 * Appends, retrying while the store is unavailable. Always the same events (same ids) at the same
 * revision: re-deciding could write twice what an unacknowledged attempt did write. The store
 * answers a retry of a write that landed as it answered the first (exact and `no_stream` retries
 * are idempotent on EventStoreDB too); should it refuse it as a concurrent write instead, the
 * events are looked for right after the revision, so a write that landed is never reported failed.
 */
async function appendThroughOutages(
  store: EventStore,
  streamName: string,
  stored: readonly EventToAppend[],
  revision: bigint | 'no_stream',
  options: HandleCommandOptions,
): Promise<AppendResult> {
  const maxAttempts = options.unavailableAttempts ?? DEFAULT_UNAVAILABLE_ATTEMPTS;
  const backoff = options.unavailableBackoff ?? DEFAULT_UNAVAILABLE_BACKOFF;
  let mayHaveLanded = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.append(streamName, stored, revision);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && mayHaveLanded) {
        const landed = await findAppended(store, streamName, stored, revision);
        if (landed) return landed;
      }
      if (!(error instanceof StoreUnavailableError) || attempt >= maxAttempts) throw error;
      mayHaveLanded = true;
    }
    await (backoff.sleep ?? sleepFor)(backoffDelay(backoff, attempt));
  }
}

/** The events, if they stand right after `revision` in the stream: the result of their append. */
async function findAppended(
  store: EventStore,
  streamName: string,
  stored: readonly EventToAppend[],
  revision: bigint | 'no_stream',
): Promise<AppendResult | undefined> {
  const fromRevision = revision === 'no_stream' ? 0n : revision + 1n;
  let index = 0;
  let last: AppendResult | undefined;
  const options = { fromRevision, maxCount: stored.length, missing: 'empty' } as const;
  for await (const recorded of store.readStream(streamName, options)) {
    if (!sameId(recorded.id, stored[index].id)) return undefined;
    index++;
    last = { nextExpectedRevision: recorded.revision, position: recorded.position };
  }
  return index === stored.length ? last : undefined;
}

type Folding<Event extends DomainEvent, State> = Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>;

/**
 * Names the stream had before it was renamed, oldest first. Those streams are frozen: nothing
 * writes them again, so their events are folded before the stream's own and the expected revision
 * is the current stream's alone, which is race-free because a frozen stream cannot move under it.
 * Their idempotency keys count too: a request first recorded under an older name is a replay.
 */
export interface OlderNames {
  readonly olderNames?: readonly string[];
}

/** The stream's state and revision: folded from what this process saw before plus what was appended since. */
export async function loadState<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Folding<Event, State>,
  options: OlderNames = {},
): Promise<{ state: State; revision: ExpectedRevision & (bigint | 'no_stream') }> {
  const { state, revision } = await loadStream(store, streamName, decider, options);
  return { state, revision };
}

/**
 * For a handler that looks before it calls `handleCommand` (a precondition, a quota
 * counted first): whether this command was already recorded in the stream under its key (true:
 * nothing to do), refused with IDEMPOTENCY_KEY_REUSED if the key was recorded for another
 * request, false if the key is new here.
 */
export async function isRecordedReplay<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Folding<Event, State>,
  command: Pick<DomainCommand, 'type' | 'context'>,
  options: Pick<HandleCommandOptions, 'request' | 'olderNames'> = {},
): Promise<boolean> {
  if (!command.context.idempotencyKey) return false;
  const { keys } = await loadStream(store, streamName, decider, options);
  return isReplay(keys, command.type, command.context, commandFingerprint(command.type, options.request));
}

async function loadStream<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Folding<Event, State>,
  { olderNames = [] }: OlderNames = {},
): Promise<{ state: State; revision: ExpectedRevision & (bigint | 'no_stream'); keys: UsedKeys }> {
  const cacheKey = cacheKeyOf(streamName, { olderNames });
  const cache = new StateCache<State>(store, decider.evolve);
  const cached = cache.get(cacheKey);
  const since = cached && (await readSince(store, streamName, cached, decider));
  if (since) {
    if (since.revision !== cached.revision) cache.set(cacheKey, since);
    return { state: since.state, revision: since.revision, keys: since.keys };
  }
  cache.forget(cacheKey);
  const events: Event[] = [];
  const keys: UsedKeys = new Map();
  for (const olderName of olderNames) {
    if (knownMissing(store, olderName)) continue;
    const { revision } = await readWhole(store, olderName, events, keys);
    if (revision === 'no_stream') rememberMissing(store, olderName);
  }
  const { revision, eventId } = await readWhole(store, streamName, events, keys);
  const state = fold(decider.evolve, decider.initialState, events);
  if (revision !== 'no_stream') cache.set(cacheKey, { state, revision, eventId, keys });
  return { state, revision, keys };
}

/** Older names found without a stream, per store, this many at most (then forgotten all at once). */
const MISSING_OLDER_NAMES_LIMIT = 50_000;
const missingOlderNames = new WeakMap<EventStore, Set<string>>();

/**
 * Nothing writes an older name any more (`OlderNames`), so one found missing stays missing: it is
 * not read again by this process, and a stream not renamed yet costs one read, not two.
 */
function knownMissing(store: EventStore, olderName: string): boolean {
  return missingOlderNames.get(store)?.has(olderName) ?? false;
}

function rememberMissing(store: EventStore, olderName: string): void {
  let missing = missingOlderNames.get(store);
  if (!missing || missing.size >= MISSING_OLDER_NAMES_LIMIT) missingOlderNames.set(store, (missing = new Set()));
  missing.add(olderName);
}

/** Adds the stream's events and keys to those given; a stream that does not exist adds none. */
async function readWhole<Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  events: Event[],
  keys: UsedKeys,
): Promise<{ revision: bigint | 'no_stream'; eventId: string }> {
  let revision: bigint | 'no_stream' = 'no_stream';
  let eventId = '';
  for await (const recorded of store.readStream(streamName, { missing: 'empty' })) {
    events.push({ type: recorded.type, data: recorded.data } as Event);
    noteKeyUse(keys, recorded.metadata);
    revision = recorded.revision;
    eventId = recorded.id;
  }
  return { revision, eventId };
}

/**
 * A state folded with older names is remembered apart from one folded without them. The revision
 * and event id it remembers are the current stream's: the frozen ones never move.
 */
function cacheKeyOf(streamName: string, { olderNames = [] }: OlderNames): string {
  return olderNames.length === 0 ? streamName : [...olderNames, streamName].join('\u0000');
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
  const { keys } = cached;
  let first = true;
  for await (const recorded of store.readStream(streamName, { fromRevision: cached.revision, missing: 'empty' })) {
    if (first) {
      if (recorded.revision !== cached.revision || !sameId(recorded.id, cached.eventId)) return undefined;
      first = false;
      continue;
    }
    state = decider.evolve(state, { type: recorded.type, data: recorded.data } as Event);
    noteKeyUse(keys, recorded.metadata);
    revision = recorded.revision;
    eventId = recorded.id;
  }
  return first ? undefined : { state, revision, eventId, keys };
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

/**
 * Ids derive from the portal, the key and the request, so that two identical first attempts
 * racing each other append the very same ids (one write, by the store's idempotency), while two
 * different requests under one key, or one key of two portals, can never name the same event.
 */
function toStoredEvents(
  streamName: string,
  command: DomainCommand,
  events: readonly DomainEvent[],
  causation: Causation,
  fingerprint: string | undefined,
) {
  const { context } = command;
  const keyed =
    context.idempotencyKey &&
    `${streamName}|${context.portalId}|${context.idempotencyKey}|${command.type}|${fingerprint ?? ''}`;
  return events.map((event, index) => ({
    id: keyed ? deterministicEventId(`${keyed}|${index}`) : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      tenantId: context.portalId,
      actorId: `${context.actor.kind}:${context.actor.id}`,
      correlationId: causation.correlationId,
      causationId: causation.causationId ?? causation.correlationId,
      ...ruleVersionOf(event),
      command: command.type,
      ...keyMetadata(context, command.type, fingerprint),
      ...traceMetadata(),
    },
  }));
}

function ruleVersionOf(event: DomainEvent): { ruleVersion?: string } {
  const ruleVersion = (event.data as { ruleVersion?: unknown }).ruleVersion;
  return typeof ruleVersion === 'string' ? { ruleVersion } : {};
}
