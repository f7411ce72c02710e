import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { AppendResult, EventStore } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';

/**
 * Every signed POST is written here, as received, before Meta hears 200: the inbox is the source
 * the processor follows, and what an operator replays after a fix. One stream per UTC day keeps
 * streams short and makes old days easy to archive.
 */
export const INBOX_STREAM_PREFIX = 'whatsapp-inbox-';

export const WEBHOOK_PAYLOAD_RECEIVED = 'WebhookPayloadReceived';
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

export function inboxStreamName(receivedAt: Date): string {
  return `${INBOX_STREAM_PREFIX}${receivedAt.toISOString().slice(0, 10)}`;
}

export function isInboxStream(streamName: string): boolean {
  return streamName.startsWith(INBOX_STREAM_PREFIX);
}

export interface StoredPayload extends AppendResult {
  readonly streamName: string;
  readonly eventId: string;
}

@Injectable()
export class WebhookInbox {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Resolves once the payload is durable (the embedded store fsyncs before resolving). */
  record(payload: WebhookPayloadReceived): Promise<StoredPayload> {
    return this.append(WEBHOOK_PAYLOAD_RECEIVED, payload);
  }

  recordMalformed(payload: MalformedWebhookPayloadReceived): Promise<StoredPayload> {
    return this.append(MALFORMED_WEBHOOK_PAYLOAD_RECEIVED, payload);
  }

  /** One event per POST, even for Meta's retries: how often Meta retried is a fact worth keeping. */
  private async append(type: string, data: WebhookPayloadReceived): Promise<StoredPayload> {
    const streamName = inboxStreamName(new Date(data.receivedAt));
    const eventId = randomUUID();
    const metadata = { actorId: 'whatsapp:webhook', correlationId: eventId };
    const result = await this.store.append(streamName, [{ id: eventId, type, data, metadata }], 'any');
    return { ...result, streamName, eventId };
  }
}
