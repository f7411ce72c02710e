import { BACKWARDS, END, type EventStoreDBClient } from '@eventstore/db-client';
import {
  AllFilter,
  AllSubscription,
  CheckpointBeyondLogEndError,
  Position,
  StoreUnavailableError,
  SubscriptionMessage,
  comparePositions,
} from '../port/index.js';
import { ClientStreamReader } from './client-stream-reader.js';
import { describeError, meansConsumerTooSlow, toPortError } from './map-errors.js';
import { toClientReadPosition } from './map-positions.js';
import { ClientResolvedEvent, isSystemRecord, positionOf, toRecordedEvent } from './map-recorded-event.js';
import { ConnectionMessage, SubscriptionConnection } from './subscription-connection.js';

export interface ReconnectPolicy {
  readonly maxAttempts: number;
  readonly delayMs: number;
}

export interface AllSubscriptionSettings {
  readonly fromPosition: Position | 'start' | 'end';
  readonly filter: AllFilter | undefined;
  readonly reconnect: ReconnectPolicy;
}

/**
 * A catch-up subscription to `$all` that survives connection drops.
 *
 * It remembers the position of the last event or checkpoint it handed over and, when the
 * connection drops, subscribes again from there (exclusive, as EventStoreDB subscriptions are),
 * so the consumer sees each event once and in order across reconnects.
 */
export class EventStoreDBAllSubscription implements AllSubscription {
  private resumeFrom: Position | 'start' | 'end';
  private connection: SubscriptionConnection | undefined;
  /** The read that pins 'end' to a position, while it runs: close() must be able to cut it short. */
  private endPositionProbe: ClientStreamReader<ClientResolvedEvent> | undefined;
  private iterated = false;
  private checkedAgainstLogEnd = false;
  private closed = false;
  private wakeFromDelay: (() => void) | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly settings: AllSubscriptionSettings,
    private readonly onClosed: (subscription: EventStoreDBAllSubscription) => void,
  ) {
    this.resumeFrom = settings.fromPosition;
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    // One consumer per subscription: two would split the events between them and share one resume position.
    if (this.iterated) throw new Error('This $all subscription is already being iterated');
    this.iterated = true;
    return this.messages();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeFromDelay?.();
    this.endPositionProbe?.fail(new StoreUnavailableError('the subscription was closed'));
    const connection = this.connection;
    this.connection = undefined;
    await connection?.dispose();
    this.onClosed(this);
  }

  private async *messages(): AsyncGenerator<SubscriptionMessage, void, undefined> {
    let failedAttempts = 0;
    try {
      while (!this.closed) {
        let dropCause: unknown;
        try {
          this.connection = new SubscriptionConnection(
            this.client,
            toClientReadPosition(await this.resolvedResumePosition()),
            this.settings.filter,
          );
        } catch (error) {
          dropCause = error;
        }
        // close() may have run while we were resolving the position.
        if (this.closed) return;

        const connection = this.connection;
        if (connection !== undefined) {
          for (;;) {
            const message = await connection.next();
            if (message.kind === 'interrupted') return;
            if (connection.confirmed) failedAttempts = 0;
            if (message.kind === 'dropped') {
              dropCause = message.error;
              break;
            }
            const toDeliver = this.accept(message);
            if (toDeliver !== undefined) yield toDeliver;
            if (this.closed) return;
          }
          this.connection = undefined;
          await connection.dispose();
          if (this.closed) return;
        }

        // 23.10 aborts a live subscription whose consumer fell behind and asks for a resubscription:
        // not a failure, so at once and without using up an attempt.
        if (meansConsumerTooSlow(dropCause)) continue;
        const failure = toPortError(dropCause);
        // Only a lost connection is worth a retry; anything else (e.g. access denied) won't get better.
        if (!(failure instanceof StoreUnavailableError)) throw failure;
        failedAttempts += 1;
        const { maxAttempts, delayMs } = this.settings.reconnect;
        if (failedAttempts > maxAttempts) {
          throw new StoreUnavailableError(
            `$all subscription dropped and ${maxAttempts} resubscription attempt(s) failed: ${describeError(dropCause)}`,
            dropCause,
          );
        }
        await this.delay(delayMs);
      }
    } finally {
      // Reached on close(), on a consumer's `break`, and on failure alike: never leave a gRPC call open.
      const connection = this.connection;
      this.connection = undefined;
      await connection?.dispose();
      if (!this.closed) {
        this.closed = true;
        this.onClosed(this);
      }
    }
  }

  /** Updates the resume position and says what, if anything, the consumer should see. */
  private accept(
    message: Exclude<ConnectionMessage, { kind: 'dropped' | 'interrupted' }>,
  ): SubscriptionMessage | undefined {
    switch (message.kind) {
      case 'event': {
        const position = positionOf(message.resolved);
        if (position !== undefined) this.advanceResumePosition(position);
        const event = toRecordedEvent(message.resolved);
        // A caller's filter may still match system events (e.g. a regex on stream names): the port never yields them.
        if (event === undefined || isSystemRecord(event)) return undefined;
        return { kind: 'event', event };
      }
      case 'checkpoint': {
        // A checkpoint at or before what was already handed over says nothing new, and resuming from it
        // would deliver events twice: consumers only ever see checkpoints that move forwards.
        const movesForwards = this.advanceResumePosition(message.position);
        // Without a caller filter the checkpoints come from our own system-event filter: an internal detail.
        if (!movesForwards || this.settings.filter === undefined) return undefined;
        return { kind: 'checkpoint', position: message.position };
      }
      case 'caughtUp':
        return { kind: 'caughtUp' };
    }
  }

  /** Moves the resume position forwards only (the server may repeat a position); says whether it moved. */
  private advanceResumePosition(position: Position): boolean {
    const current = this.resumeFrom;
    if (typeof current !== 'string' && comparePositions(position, current) <= 0) return false;
    this.resumeFrom = position;
    return true;
  }

  /**
   * 'end' means "after the last event now", which stops being true once time passes: pin it to the
   * last position in `$all` before the first subscription, so a reconnect doesn't skip what came meanwhile.
   */
  private async resolvedResumePosition(): Promise<Position | 'start' | 'end'> {
    if (this.resumeFrom === 'end') {
      this.resumeFrom = (await this.lastRecordPosition()) ?? 'start';
    } else if (!this.checkedAgainstLogEnd && this.resumeFrom !== 'start') {
      // Once, before the first subscription: later resume positions all came from this log.
      const logEnd = await this.lastRecordPosition();
      if (logEnd === undefined || this.resumeFrom.commit > logEnd.commit) {
        throw new CheckpointBeyondLogEndError(this.resumeFrom, logEnd ?? null);
      }
    }
    this.checkedAgainstLogEnd = true;
    return this.resumeFrom;
  }

  /** The last record of `$all`, system records included (a checkpoint may stand on one). */
  private async lastRecordPosition(): Promise<Position | undefined> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const probe = new ClientStreamReader<ClientResolvedEvent>(read);
    this.endPositionProbe = probe;
    try {
      const last = await probe.next();
      return last && positionOf(last);
    } finally {
      this.endPositionProbe = undefined;
      await read.cancel().catch(() => undefined);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeFromDelay = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
