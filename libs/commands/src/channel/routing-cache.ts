import { onAppended } from '@helpdesk/command-handling';
import { FormerStreamCategory, StreamCategory, streamPrefix } from '@helpdesk/domain';
import { comparePositions, type EventStore, type Position } from '@helpdesk/event-store';

/**
 * The streams a route is folded from: the id's claim (and its former name), the number's claim,
 * the account. Nothing else changes where a `phone_number_id` leads.
 */
const ROUTING_STREAM_PREFIXES: readonly string[] = [
  streamPrefix(StreamCategory.phoneNumberIdClaim),
  `${FormerStreamCategory.phoneNumberIdClaim}-`,
  streamPrefix(StreamCategory.phoneNumberClaim),
  streamPrefix(StreamCategory.channel),
];

/** Routes remembered per store; the least recently used beyond this are forgotten. */
const MAX_ROUTES = 10_000;
/**
 * Ids that lead nowhere, remembered apart and fewer: they come from outside, so a flood of unknown
 * ids can neither grow memory nor push the known routes out.
 */
const MAX_UNROUTED = 1_000;

const caches = new WeakMap<EventStore, RoutingCache<unknown>>();

export function isRoutingStream(streamName: string): boolean {
  return ROUTING_STREAM_PREFIXES.some((prefix) => streamName.startsWith(prefix));
}

/**
 * Where each `phone_number_id` (or display number, when the id is not linked) leads, folded once instead of re-reading three or four streams per
 * message. Forgotten, all of it, whenever a routing stream is written (claims, releases and account
 * changes are rare next to messages):
 * - by this process, through `handleCommand`: at once, before that command returns (`onAppended`);
 * - by any other writer on the same store (the CLI, a second API process, the projector): when
 *   this process's subscription to `$all`, filtered on the routing streams' names, delivers the
 *   event; on the embedded store that is within its cross-process wake-up (200 ms), on
 *   EventStoreDB as soon as the server pushes it.
 * Routes are served from memory only while that subscription runs: it starts from the head of the
 * log read before the first route is remembered, so no write after a remembered route's reads can
 * go unseen. A load that overlapped a change is not remembered. If the subscription ends (the store
 * closed, a connection lost for good), everything is forgotten and every lookup reads the streams
 * until a new subscription is running.
 */
export class RoutingCache<Route> {
  private readonly routes = new Map<string, Route>();
  private readonly unrouted = new Set<string>();
  /** Moves on with every change: a load that began under another generation is not remembered. */
  private generation = 0;
  private watching = false;
  private starting: Promise<void> | undefined;
  private seen: Position | undefined;
  private seenWaiters: { position: Position; resolve: () => void }[] = [];

  private constructor(private readonly store: EventStore) {
    onAppended(store, (streamName) => {
      if (isRoutingStream(streamName)) this.forgetAll();
    });
  }

  static of<Route>(store: EventStore): RoutingCache<Route> {
    let cache = caches.get(store);
    if (!cache) caches.set(store, (cache = new RoutingCache(store)));
    return cache as RoutingCache<Route>;
  }

  /**
   * The route remembered under the key (a `phone_number_id`, or a display number for the fallback),
   * else what `load` finds (remembered when nothing changed meanwhile).
   */
  async route(phoneNumberId: string, load: () => Promise<Route | null>): Promise<Route | null> {
    if (!this.watching) await this.startWatching();
    if (this.watching) {
      const known = this.routes.get(phoneNumberId);
      if (known !== undefined) {
        this.routes.delete(phoneNumberId);
        this.routes.set(phoneNumberId, known);
        return known;
      }
      if (this.unrouted.has(phoneNumberId)) return null;
    }
    const generation = this.generation;
    const watchedAtStart = this.watching;
    const found = await load();
    if (watchedAtStart && this.watching && generation === this.generation) this.remember(phoneNumberId, found);
    return found;
  }

  /**
   * Resolves once this cache has heard of the log up to `position` through its subscription (a
   * routing event there or later was delivered): for tests that write through another client.
   */
  async heardOf(position: Position): Promise<void> {
    if (this.seen && comparePositions(this.seen, position) >= 0) return;
    await new Promise<void>((resolve) => this.seenWaiters.push({ position, resolve }));
  }

  private remember(phoneNumberId: string, found: Route | null): void {
    if (found === null) {
      if (this.unrouted.size >= MAX_UNROUTED) this.unrouted.delete(this.unrouted.values().next().value as string);
      this.unrouted.add(phoneNumberId);
      return;
    }
    this.routes.set(phoneNumberId, found);
    if (this.routes.size > MAX_ROUTES) this.routes.delete(this.routes.keys().next().value as string);
  }

  private forgetAll(): void {
    this.generation++;
    this.routes.clear();
    this.unrouted.clear();
  }

  private startWatching(): Promise<void> {
    this.starting ??= this.watch().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Starts the subscription from the head of the log; resolves once routes may be remembered. */
  private async watch(): Promise<void> {
    let from: Position | 'start' = 'start';
    let subscription;
    try {
      for await (const last of this.store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }))
        from = last.position;
      subscription = this.store.subscribeToAll({
        fromPosition: from,
        filter: { on: 'streamName', prefixes: ROUTING_STREAM_PREFIXES },
      });
    } catch {
      return; // Not watching: every lookup reads the streams (and meets the store's error itself).
    }
    this.forgetAll();
    this.watching = true;
    void this.follow(subscription);
  }

  private async follow(subscription: ReturnType<EventStore['subscribeToAll']>): Promise<void> {
    try {
      for await (const message of subscription) {
        if (message.kind === 'caughtUp') continue;
        if (message.kind === 'event') this.forgetAll();
        this.heard(message.kind === 'event' ? message.event.position : message.position);
      }
    } catch {
      // Ended by the store: below, the cache stops serving.
    } finally {
      this.watching = false;
      this.forgetAll();
      this.seenWaiters.forEach(({ resolve }) => resolve());
      this.seenWaiters = [];
    }
  }

  private heard(position: Position): void {
    this.seen = position;
    const due = this.seenWaiters.filter((waiter) => comparePositions(position, waiter.position) >= 0);
    if (due.length === 0) return;
    this.seenWaiters = this.seenWaiters.filter((waiter) => !due.includes(waiter));
    due.forEach(({ resolve }) => resolve());
  }
}
