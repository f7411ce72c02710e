import { setMaxListeners } from 'node:events';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, headPosition } from '@helpdesk/event-store';
import type { AllSubscription, EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { CheckpointBeyondLogEndError, comparePositions } from '@helpdesk/event-store';
import { KeyedLanes } from './keyed-lanes.js';
import { OrderedCheckpoint } from './ordered-checkpoint.js';
import { type PayloadReport, PayloadProcessor, type ReadPayload, isTransient } from './process-payload.js';
import { processorCheckpoint } from './processor-checkpoint.js';
import { ProcessingProgress } from './processing-progress.js';
import { INBOX_STREAM_PREFIX, WEBHOOK_PAYLOAD_RECEIVED, isInboxStream } from './webhook-inbox.js';
import { WebhookMetrics } from './webhook-metrics.js';

const RETRY_DELAYS_MS = [100, 500, 2_000, 10_000, 30_000];
/** Filtered-out events scanned between two store checkpoints: a resume skips them. */
const CHECKPOINT_EVERY = 1_000;
/** Payloads processed at once: their commands share the store's group commits. */
const PAYLOADS_IN_FLIGHT = 8;
/** At most five checkpoint writes a second, whatever the rate: a crash replays up to this much more. */
const CHECKPOINT_INTERVAL_MS = 200;

/**
 * Follows the inbox streams in `$all`, after the webhook answered Meta, and turns each stored
 * payload into commands: several payloads at once, those of one contact strictly in order.
 * Resumes after its durable checkpoint, which passes a payload only once it and every payload
 * before it are handled: a crash replays the payloads after it, which the commands make harmless
 * (they are idempotent by wamid). When the store is unreachable it waits and retries the payload.
 */
@Injectable()
export class InboxProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WhatsAppInboxProcessor');
  private readonly progress = new ProcessingProgress();
  private stopping = new AbortController();
  private subscription: AllSubscription | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly payloads: PayloadProcessor,
    private readonly metrics: WebhookMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the stores close in their own shutdown hook. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    // Every payload waiting to retry listens for the stop.
    setMaxListeners(PAYLOADS_IN_FLIGHT + 10, this.stopping.signal);
    this.running = this.run(this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.close();
    await this.running;
    this.running = null;
  }

  /** Resolves once every inbox event up to `position` (e.g. a stored payload's) is processed. */
  whenProcessed(position: Position): Promise<void> {
    return this.progress.when(position);
  }

  /** Resolves once the payloads stored before the processor started are processed. */
  whenCaughtUp(): Promise<void> {
    return this.progress.caughtUpOnce;
  }

  /** Processes again every stored payload from `fromPosition` (inclusive) to the current end of the log. */
  async reprocess(fromPosition: Position): Promise<PayloadReport[]> {
    const end = await headPosition(this.store);
    const reports: PayloadReport[] = [];
    if (end === null) return reports;
    for await (const event of this.store.readAll({ fromPosition })) {
      if (comparePositions(event.position, end) > 0) break;
      if (isPayload(event)) reports.push(await this.payloads.process(event));
    }
    return reports;
  }

  /** Processes one stored payload again, e.g. the one a `WebhookPayloadFailed` names. */
  async reprocessPayload(inboxStream: string, payloadEventId: string): Promise<PayloadReport> {
    for await (const event of this.store.readStream(inboxStream)) {
      if (event.id === payloadEventId && isPayload(event)) return this.payloads.process(event);
    }
    throw new Error(`No webhook payload ${payloadEventId} in ${inboxStream}`);
  }

  private async run(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      const before = this.progress.processedUpTo;
      try {
        await this.follow(signal);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof CheckpointBeyondLogEndError) {
          // Retrying cannot help and resuming would skip payloads: stop, loudly, until someone resets it.
          this.logger.error({ msg: 'The WhatsApp inbox processor refuses to start', error: error.message });
          return;
        }
        if (this.progress.processedUpTo !== before) attempt = 0;
        this.logger.error({
          msg: 'The WhatsApp inbox processor lost the event log; resuming from its checkpoint',
          error: String(error),
        });
        await pause(delayOf(attempt), signal);
      }
    }
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const checkpoint = processorCheckpoint(this.store);
    const from = await checkpoint.read();
    if (from) this.progress.reached(from);
    const filter = { on: 'streamName', prefixes: [INBOX_STREAM_PREFIX], checkpointEvery: CHECKPOINT_EVERY } as const;
    const subscription = this.store.subscribeToAll({ fromPosition: from ?? 'start', filter });
    this.subscription = subscription;
    if (signal.aborted) return subscription.close();
    const lanes = new KeyedLanes(PAYLOADS_IN_FLIGHT);
    const ordered = new OrderedCheckpoint(checkpoint, this.progress, CHECKPOINT_INTERVAL_MS);
    let last = from;
    try {
      for await (const message of subscription) {
        ordered.throwIfFailed();
        if (message.kind === 'caughtUp') {
          void (last ? this.progress.when(last) : Promise.resolve()).then(() => this.progress.caughtUp());
          continue;
        }
        last = message.kind === 'event' ? message.event.position : message.position;
        if (message.kind === 'event' && isPayload(message.event)) {
          await lanes.slot();
          const event = message.event;
          const read = this.payloads.read(event);
          ordered.track(
            last,
            lanes.run(contactsOf(read), () => this.processWithRetries(event, read, signal)),
          );
        } else {
          ordered.track(last, Promise.resolve());
        }
      }
    } finally {
      await ordered.settled();
    }
    ordered.throwIfFailed();
  }

  private async processWithRetries(event: RecordedEvent, read: ReadPayload, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.payloads.process(event, read);
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        if (!isTransient(error)) {
          // Not even its failure could be recorded: move on rather than block every later payload.
          this.logger.error({
            msg: 'WhatsApp webhook payload skipped; reprocess it',
            payloadEventId: event.id,
            error: String(error),
          });
          return;
        }
        const delayMs = delayOf(attempt);
        this.metrics.payloadRetries.inc();
        this.logger.warn({
          msg: 'Event store unavailable; retrying the webhook payload',
          payloadEventId: event.id,
          delayMs,
        });
        await pause(delayMs, signal);
        if (signal.aborted) throw error;
      }
    }
  }
}

/** The contacts whose conversations a payload touches (the wa_id that names the conversation). */
function contactsOf({ items }: ReadPayload): string[] {
  const contacts = items.flatMap((item) =>
    item.kind === 'message' ? [item.message.from.slice(1)] : item.kind === 'status' ? [item.status.recipientWaId] : [],
  );
  return [...new Set(contacts)];
}

function isPayload(event: RecordedEvent): boolean {
  return event.type === WEBHOOK_PAYLOAD_RECEIVED && isInboxStream(event.streamName);
}

function delayOf(attempt: number): number {
  return RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
}

/** Resolves after `ms`, or at once when the processor stops. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
