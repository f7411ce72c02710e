import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, StoreUnavailableError } from '@helpdesk/event-store';
import type { EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { type ItemOutcome, WebhookItemDispatcher } from './dispatch-webhook-item.js';
import { mapWebhookPayload } from './map-webhook-payload.js';
import { type ItemFailure, describeError, recordPayloadFailure } from './processing-failures.js';
import type { WebhookPayloadReceived } from './webhook-inbox.js';
import type { WebhookItem } from './webhook-items.js';
import { WebhookMetrics } from './webhook-metrics.js';

/** A stored payload's items, or why it has none. */
export interface ReadPayload {
  readonly items: readonly WebhookItem[];
  readonly failures: readonly ItemFailure[];
}

export interface PayloadReport {
  readonly payloadEventId: string;
  readonly position: Position;
  readonly outcomes: readonly ItemOutcome[];
  readonly failures: readonly ItemFailure[];
}

/** The store could not be reached: retry the whole payload later rather than record it as failed. */
export function isTransient(error: unknown): boolean {
  return error instanceof StoreUnavailableError;
}

/**
 * One stored payload, processed item by item in payload order. An item that fails unexpectedly
 * does not stop the others; the payload's failures are recorded together (WebhookPayloadFailed)
 * and the payload counts as failed. Transient store errors are thrown: the caller retries.
 */
@Injectable()
export class PayloadProcessor {
  private readonly logger = new Logger('WhatsAppWebhook');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dispatcher: WebhookItemDispatcher,
    private readonly metrics: WebhookMetrics,
  ) {}

  async process(event: RecordedEvent, read: ReadPayload = this.read(event)): Promise<PayloadReport> {
    const trace = { payloadEventId: event.id };
    const outcomes: ItemOutcome[] = [];
    const failures: ItemFailure[] = [...read.failures];
    for (const item of read.items) {
      try {
        outcomes.push(await this.dispatcher.dispatch(item, trace));
      } catch (error) {
        if (isTransient(error)) throw error;
        failures.push({ where: item.where, error: describeError(error) });
      }
    }
    if (failures.length > 0) await this.recordFailures(event, failures);
    this.metrics.payloadsProcessed.inc();
    return { payloadEventId: event.id, position: event.position, outcomes, failures };
  }

  read(event: RecordedEvent): ReadPayload {
    try {
      return { items: mapWebhookPayload(JSON.parse((event.data as WebhookPayloadReceived).body)), failures: [] };
    } catch (error) {
      return { items: [], failures: [{ where: 'payload', error: describeError(error) }] };
    }
  }

  private async recordFailures(event: RecordedEvent, failures: readonly ItemFailure[]): Promise<void> {
    const { commit, prepare } = event.position;
    await recordPayloadFailure(this.store, {
      payloadEventId: event.id,
      inboxStream: event.streamName,
      position: { commit: commit.toString(), prepare: prepare.toString() },
      failedAt: this.clock.now().toISOString(),
      failures,
    });
    this.metrics.payloadsFailed.inc();
    this.logger.error({
      msg: 'WhatsApp webhook payload failed; fix the cause, then reprocess it',
      payloadEventId: event.id,
      inboxStream: event.streamName,
      position: commit.toString(),
      failures,
    });
  }
}
