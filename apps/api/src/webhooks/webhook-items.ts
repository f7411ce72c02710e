import type { DeliveryStatus } from '@helpdesk/domain';
import type { InboundMessage } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';

/** One of Meta's `errors[]` entries, as Meta wrote it. */
export interface MetaError {
  readonly code: number;
  readonly title: string;
  readonly message?: string;
  readonly details?: string;
}

/** A status of a message the business sent, not yet routed to its conversation. */
export interface StatusUpdate {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber?: string;
  readonly wamid: string;
  /** The contact's wa_id: with the business number, it names the conversation. */
  readonly recipientWaId: string;
  readonly status: DeliveryStatus;
  /** Meta's timestamp, ISO. */
  readonly at: string;
  readonly error?: MetaError;
  /** `biz_opaque_callback_data`, echoed by Meta: our message id when the sender set it. */
  readonly callbackData?: string;
}

/**
 * What one webhook payload asks for, item by item, in payload order. `where` points into the
 * payload (`entry[0].changes[1].messages[2]`) for logs and failure records. Nothing is dropped:
 * whatever cannot become a command is an `unmapped` item with its reason.
 */
export type WebhookItem =
  | { readonly kind: 'message'; readonly where: string; readonly message: InboundMessage }
  | { readonly kind: 'status'; readonly where: string; readonly status: StatusUpdate }
  /** A value-level `errors[]` entry: Meta could not deliver something to us. */
  | { readonly kind: 'error'; readonly where: string; readonly phoneNumberId?: string; readonly error: MetaError }
  | { readonly kind: 'unmapped'; readonly where: string; readonly reason: string; readonly wamid?: string };

export type WebhookItemKind = WebhookItem['kind'];
