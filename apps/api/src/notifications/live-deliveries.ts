import { GraphQLError } from 'graphql';
import { type Position, comparePositions } from '@helpdesk/event-store';
import { parsePosition } from '../graphql/positions.js';
import type { NotificationKind } from './notification-topics.js';

/** As published on a topic: the portal beside the GraphQL field named after the subscription. */
export type Published = { readonly portalId: string } & Partial<
  Record<NotificationKind, { readonly conversationId: string }>
>;

export interface DeliveryScope {
  readonly kind: NotificationKind;
  readonly portalId: string;
  readonly conversationId?: string;
  readonly expiresAt: Date;
  readonly now: () => Date;
  /** A resumed subscription: what it missed goes out first, then live events after the last of them. */
  readonly resume?: { readonly missed: readonly Published[]; readonly after: Position };
}

/** setTimeout's limit (about 24.8 days); tokens may live 30 days, so long waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One subscriber's stream: the topic's events, checked once more against the subscriber's portal
 * (defence in depth: the topic is already the portal's), narrowed to a conversation if asked, and
 * ended with UNAUTHENTICATED when the subscriber's token expires.
 */
export class LiveDeliveries implements AsyncIterableIterator<Published> {
  private readonly iterator: AsyncIterator<Published>;
  private readonly expired: Promise<never>;
  private timer: NodeJS.Timeout | undefined;
  private readonly missed: Published[];
  /** Live events at or before this were sent as missed ones (or before the client reconnected). */
  private readonly sentUpTo: Position | undefined;

  constructor(
    /** Mercurius hands out a Readable: destroying it is what stops its pending read and its buffering. */
    private readonly source: AsyncIterable<Published> & { destroy?(): void },
    private readonly scope: DeliveryScope,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    this.missed = [...(scope.resume?.missed ?? [])];
    const lastMissed = this.missed.length > 0 ? this.positionOf(this.missed[this.missed.length - 1]) : undefined;
    this.sentUpTo = lastMissed ?? scope.resume?.after;
    // The token's remaining life by the service's clock, then counted down in real time.
    const deadline = Date.now() + (scope.expiresAt.getTime() - scope.now().getTime());
    this.expired = new Promise<never>((_resolve, reject) => this.expireAt(deadline, reject));
    this.expired.catch(() => undefined);
  }

  async next(): Promise<IteratorResult<Published>> {
    const missed = this.missed.shift();
    if (missed) return { done: false, value: missed };
    for (;;) {
      let item: IteratorResult<Published>;
      try {
        item = await Promise.race([this.iterator.next(), this.expired]);
      } catch (error) {
        this.finish();
        throw error;
      }
      if (item.done) {
        clearTimeout(this.timer);
        return item;
      }
      if (this.isFor(item.value)) return item;
    }
  }

  async return(): Promise<IteratorResult<Published>> {
    this.finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Not awaiting the iterator's own return(): it would queue behind a read that may never come. */
  private finish(): void {
    clearTimeout(this.timer);
    if (typeof this.source.destroy === 'function') this.source.destroy();
    else void this.iterator.return?.();
  }

  private isFor(published: Published): boolean {
    const body = published[this.scope.kind];
    if (published.portalId !== this.scope.portalId || !body) return false;
    if (this.sentUpTo && comparePositions(this.positionOf(published) ?? this.sentUpTo, this.sentUpTo) <= 0)
      return false;
    return !this.scope.conversationId || body.conversationId === this.scope.conversationId;
  }

  private positionOf(published: Published): Position | undefined {
    const position = (published[this.scope.kind] as { position?: string } | undefined)?.position;
    return position === undefined ? undefined : (parsePosition(position) ?? undefined);
  }

  private expireAt(deadline: number, reject: (error: Error) => void): void {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      reject(
        new GraphQLError('The bearer token has expired: reconnect with a new one', {
          extensions: { code: 'UNAUTHENTICATED' },
        }),
      );
      return;
    }
    this.timer = setTimeout(() => this.expireAt(deadline, reject), Math.min(remaining, MAX_TIMER_MS));
    this.timer.unref();
  }
}
