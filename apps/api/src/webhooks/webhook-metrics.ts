import { Injectable } from '@nestjs/common';
import type { Counter } from '../metrics/metrics-registry.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';

export type RejectionReason =
  | 'not_configured'
  | 'unsupported_media_type'
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'malformed_payload'
  | 'store_unavailable'
  | 'store_error';

/** The counters of the WhatsApp webhook, from the POST to the commands it leads to. */
@Injectable()
export class WebhookMetrics {
  readonly verifications: Counter;
  readonly received: Counter;
  readonly rejected: Counter;
  readonly payloadsProcessed: Counter;
  readonly payloadsFailed: Counter;
  readonly payloadRetries: Counter;
  readonly messagesRouted: Counter;
  readonly messagesUnrouted: Counter;
  readonly statusesRecorded: Counter;
  readonly statusesNotRecorded: Counter;
  readonly metaErrors: Counter;
  readonly itemsUnmapped: Counter;

  constructor(registry: MetricsRegistry) {
    const counter = registry.counter.bind(registry);
    this.verifications = counter('whatsapp_webhook_verifications_total', "Meta's endpoint verification requests", [
      'outcome',
    ]);
    this.received = counter(
      'whatsapp_webhooks_received_total',
      'Signed webhook payloads acknowledged: stored by this POST or by an earlier one of the same bytes',
    );
    this.rejected = counter('whatsapp_webhooks_rejected_total', 'Webhook POSTs not acknowledged, by reason', [
      'reason',
    ]);
    this.payloadsProcessed = counter('whatsapp_webhook_payloads_processed_total', 'Inbox payloads processed');
    this.payloadsFailed = counter(
      'whatsapp_webhook_payloads_failed_total',
      'Inbox payloads with an unexpected failure',
    );
    this.payloadRetries = counter(
      'whatsapp_webhook_payload_retries_total',
      'Payload retries while the event store was unavailable',
    );
    this.messagesRouted = counter('whatsapp_messages_routed_total', 'Inbound messages routed to a conversation', [
      'outcome',
    ]);
    this.messagesUnrouted = counter('whatsapp_messages_unrouted_total', 'Inbound messages no conversation took', [
      'reason',
    ]);
    this.statusesRecorded = counter('whatsapp_statuses_recorded_total', 'Delivery statuses recorded', ['status']);
    this.statusesNotRecorded = counter(
      'whatsapp_statuses_not_recorded_total',
      "Delivery statuses that did not move a message forward (late: only Meta's time was kept)",
      ['reason'],
    );
    this.metaErrors = counter('whatsapp_webhook_errors_total', "Value-level errors in Meta's webhooks", ['code']);
    this.itemsUnmapped = counter(
      'whatsapp_webhook_items_unmapped_total',
      'Payload items that could not become a command',
    );
  }

  reject(reason: RejectionReason): void {
    this.rejected.inc({ reason });
  }
}
