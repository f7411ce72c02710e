import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  Position as ClientPosition,
  ReadPosition,
} from '@eventstore/db-client';
import { AllFilter, Position } from '../port/index.js';
import { ClientStreamReader } from './client-stream-reader.js';
import { fromClientPosition } from './map-positions.js';
import { toClientFilter } from './subscription-filter.js';

/** What one client subscription delivers, in the order the server sent it. */
export type ConnectionMessage =
  | { readonly kind: 'event'; readonly resolved: AllStreamResolvedEvent }
  | { readonly kind: 'checkpoint'; readonly position: Position }
  | { readonly kind: 'caughtUp' }
  /** The subscription is over: `error` is what ended it (the client's error, or our own for a silent end). */
  | { readonly kind: 'dropped'; readonly error: unknown }
  /** `interrupt()` was called: the owner is closing. */
  | { readonly kind: 'interrupted' };

/** A checkpoint or caught-up notice, to deliver once the consumer has taken `afterItems` events. */
interface PendingNotice {
  readonly afterItems: number;
  readonly message: { readonly kind: 'checkpoint'; readonly position: Position } | { readonly kind: 'caughtUp' };
  /** Lets the client go on transforming gRPC messages (it awaits our checkpoint callback). */
  readonly release?: () => void;
}

/**
 * One client `subscribeToAll` call, read as a single ordered sequence of events and notices.
 *
 * The client hands events through its readable buffer but announces checkpoints (a callback) and
 * caught-up (an event) out of band, while earlier events may still sit in that buffer. Each notice is
 * stamped with the number of events produced before it, and released only when the consumer has taken
 * those. The checkpoint callback is awaited by the client, so holding it also holds back the gRPC stream.
 */
export class SubscriptionConnection {
  private readonly notices: PendingNotice[] = [];
  private readonly subscription: AllStreamSubscription;
  private readonly reader: ClientStreamReader<AllStreamResolvedEvent>;
  private interrupted = false;
  private disposed = false;
  private confirmedByServer = false;

  constructor(client: EventStoreDBClient, fromPosition: ReadPosition, filter: AllFilter | undefined) {
    const clientFilter = toClientFilter(filter, (position) => this.onCheckpoint(position));
    this.subscription = client.subscribeToAll({ fromPosition, filter: clientFilter });
    this.reader = new ClientStreamReader(this.subscription);
    this.subscription.on('confirmation', () => {
      this.confirmedByServer = true;
    });
    this.subscription.on('caughtUp', () => {
      this.notices.push({ afterItems: this.reader.producedCount, message: { kind: 'caughtUp' } });
      this.reader.wake();
    });
  }

  /** The server accepted the subscription (or already sent something): the connection works. */
  get confirmed(): boolean {
    return this.confirmedByServer;
  }

  async next(): Promise<ConnectionMessage> {
    for (;;) {
      if (this.interrupted) return { kind: 'interrupted' };
      const notice = this.notices[0];
      if (notice !== undefined && notice.afterItems <= this.reader.takenSoFar) {
        this.notices.shift();
        notice.release?.();
        this.confirmedByServer = true;
        return notice.message;
      }
      const resolved = this.reader.takeBuffered();
      if (resolved !== undefined) {
        this.confirmedByServer = true;
        return { kind: 'event', resolved };
      }
      const failure = this.reader.failed;
      if (failure) return { kind: 'dropped', error: failure.error };
      if (this.reader.hasEnded) {
        return { kind: 'dropped', error: new Error('The server ended the $all subscription') };
      }
      await this.reader.waitForActivity();
    }
  }

  /** Makes a pending or future `next()` return `interrupted`. */
  interrupt(): void {
    this.interrupted = true;
    this.reader.wake();
  }

  /** Cancels the gRPC call. Idempotent; never throws. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.interrupt();
    // Unblock a client transform waiting on our checkpoint callback, so the stream can wind down.
    for (const notice of this.notices.splice(0)) notice.release?.();
    try {
      await this.subscription.unsubscribe();
    } catch {
      // The gRPC call never started (e.g. no channel): there is nothing to cancel.
    }
    this.subscription.destroy();
  }

  private onCheckpoint(position: ClientPosition): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise<void>((release) => {
      this.notices.push({
        afterItems: this.reader.producedCount,
        message: { kind: 'checkpoint', position: fromClientPosition(position) },
        release,
      });
      this.reader.wake();
    });
  }
}
