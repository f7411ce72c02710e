import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { AppendResult, EventStore } from '@helpdesk/event-store';
import { deterministicEventId, inAppendSpan, traceMetadata } from '@helpdesk/command-handling';
import { StreamCategory, streamName, streamPrefix } from '@helpdesk/domain';
import { createHash } from 'node:crypto';
import { INBOX_PAYLOAD_EVENT_TYPE } from '@helpdesk/projections/core/inbox-backlog.js';

/**
 * Every signed POST is written here, as received, before Meta hears 200: the inbox is the source
 * the processor follows, and what an operator replays after a fix.
 *
 * Meta sends the same bytes again until it hears 200, and its signature covers the bytes, so equal
 * bytes are the same delivery. Each distinct payload has a stream of its own, named by the SHA-256
 * of its bytes, written with the expected revision `no_stream` and an event id derived from the
 * hash: the first POST stores it, every resend is a no-op at the store (same id where it already
 * stands) and still gets its 200. Nothing is remembered in memory, so this holds across restarts,
 * on both stores; a POST whose append failed stored nothing, so its resend is stored.
 */
export const INBOX_STREAM_PREFIX = streamPrefix(StreamCategory.webhookInbox);

/** One name with the backlog count that `projections status` and the metrics show. */
export const WEBHOOK_PAYLOAD_RECEIVED = INBOX_PAYLOAD_EVENT_TYPE;
/** Signed by Meta but not a webhook we can read: kept for inspection, refused with 400, never processed. */
export const MALFORMED_WEBHOOK_PAYLOAD_RECEIVED = 'MalformedWebhookPayloadReceived';

export interface WebhookPayloadReceived {
  /** The body exactly as signed (UTF-8): `signature` can be checked against it again. */
  readonly body: string;
  readonly signature: string;
  readonly receivedAt: string;
  readonly contentType: string;
}

export interface MalformedWebhookPayloadReceived extends WebhookPayloadReceived {
  /** `base64` when the bytes were not UTF-8 text, so that nothing Meta signed is altered. */
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly reason: string;
}

/** Streams written before payloads were keyed by their hash: one per UTC day. Still followed and read. */
export function dailyInboxStreamName(receivedAt: Date): string {
  return streamName(StreamCategory.webhookInbox, receivedAt.toISOString().slice(0, 10));
}

/** Hex SHA-256 of the bytes exactly as Meta signed them. */
export function payloadSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes Meta signed, as the event keeps them: what the hash is taken of. */
export function storedBytes(payload: WebhookPayloadReceived | MalformedWebhookPayloadReceived): Buffer {
  return Buffer.from(payload.body, 'bodyEncoding' in payload && payload.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** The one stream that may ever hold the payload with these bytes. */
export function inboxStreamName(sha256: string): string {
  return streamName(StreamCategory.webhookInbox, 'sha256', sha256);
}

export function isInboxStream(streamName: string): boolean {
  return streamName.startsWith(INBOX_STREAM_PREFIX);
}

export interface StoredPayload extends AppendResult {
  readonly streamName: string;
  readonly eventId: string;
  readonly sha256: string;
}

@Injectable()
export class WebhookInbox {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * Resolves once the payload is durable (the embedded store fsyncs before resolving), whether
   * this POST stored it or an earlier one with the same bytes did.
   */
  record(payload: WebhookPayloadReceived): Promise<StoredPayload> {
    return this.append(storedBytes(payload), WEBHOOK_PAYLOAD_RECEIVED, payload);
  }

  recordMalformed(payload: MalformedWebhookPayloadReceived): Promise<StoredPayload> {
    return this.append(storedBytes(payload), MALFORMED_WEBHOOK_PAYLOAD_RECEIVED, payload);
  }

  /** One event per distinct payload: the first POST's signature and time are the ones kept. */
  private async append(bytes: Buffer, type: string, data: WebhookPayloadReceived): Promise<StoredPayload> {
    const sha256 = payloadSha256(bytes);
    const streamName = inboxStreamName(sha256);
    const eventId = deterministicEventId(`whatsapp-inbox|${sha256}`);
    // The webhook's own request span (when tracing is on): the POST that brought the payload.
    const metadata = { actorId: 'whatsapp:webhook', correlationId: eventId, payloadSha256: sha256, ...traceMetadata() };
    // A resend appends the same id where it already stands: the store answers as for the first POST
    // and writes nothing. Anything else in that stream is not ours: refused (503), never called stored.
    const result = await inAppendSpan(streamName, 1, () =>
      this.store.append(streamName, [{ id: eventId, type, data, metadata }], 'no_stream'),
    );
    return { ...result, streamName, eventId, sha256 };
  }
}
