import type {
  DeliveryError,
  DeliveryStatus,
  OutboundFailureReason,
  ReplyContent,
  SupportedInboundContent,
  UnsupportedKind,
} from '@helpdesk/domain';

/** A template as the contact reads it: the bound text, not the parameters. */
export interface TemplateThreadContent {
  readonly kind: 'template';
  readonly templateName: string;
  readonly language: string;
  readonly renderedText: string;
  readonly renderedHeader?: string;
}

export type ThreadContent = SupportedInboundContent | ReplyContent | TemplateThreadContent;

/** What the thread shows instead of content: a message it cannot show, or one it must not. */
export type ThreadPlaceholder =
  | { readonly kind: 'unsupported'; readonly unsupportedKind: UnsupportedKind; readonly detail: string }
  | { readonly kind: 'quarantined' };

/** Meta's status webhooks, as far as the domain recorded them (forward only, so a time may be skipped). */
export interface DeliveryTrack {
  readonly status: DeliveryStatus | null;
  readonly sentAt: string | null;
  readonly deliveredAt: string | null;
  readonly readAt: string | null;
  readonly playedAt: string | null;
  readonly failedAt: string | null;
  readonly error: DeliveryError | null;
}

/** Why Meta did not take an attempt; `reason` is null while it is being retried. */
export interface DispatchFailure {
  readonly code: number | null;
  readonly title: string;
  readonly message: string;
  readonly httpStatus: number | null;
  readonly attempt: number;
  readonly reason: OutboundFailureReason | null;
  readonly at: string;
}

export type DispatchState = 'pending' | 'attempting' | 'retry_scheduled' | 'unknown' | 'sent' | 'failed';

/** Where handing the message to Meta stands, from the Outbound* events. */
export interface DispatchTrack {
  readonly state: DispatchState;
  /** HTTP calls recorded so far. */
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly retryAt: string | null;
  readonly unknownReason: string | null;
  readonly resendRequestedAt: string | null;
  readonly lastFailure: DispatchFailure | null;
}

export type ThreadMessageType = ThreadContent['kind'] | 'unsupported';

/** One message of a conversation's thread, as agents see it. */
export interface ThreadMessage {
  readonly messageId: string;
  readonly portalId: string;
  readonly conversationId: string;
  readonly ticketId: string | null;
  /** The conversation stream's revision that recorded it: the thread order. */
  readonly position: number;
  readonly direction: 'inbound' | 'outbound';
  readonly type: ThreadMessageType;
  /** Null for unsupported and quarantined messages. */
  readonly content: ThreadContent | null;
  readonly placeholder: ThreadPlaceholder | null;
  readonly from: string;
  readonly to: string;
  /** Inbound: when the contact sent it (Meta's time); outbound: when the help desk accepted it. */
  readonly sentAt: string;
  readonly wamid: string | null;
  readonly quarantine: { readonly quarantinedAt: string; readonly reason: string } | null;
  /** Outbound messages only. */
  readonly delivery: DeliveryTrack | null;
  readonly dispatch: DispatchTrack | null;
  /**
   * Messages with media in the help desk's store: inbound ones (absent on rows written before media were
   * downloaded) and agents' uploads (stored from the start).
   */
  readonly media?: ThreadMedia;
}

export type ThreadMediaState = 'pending' | 'stored' | 'failed';

/**
 * An inbound media's copy in the help desk's media store: pending until downloaded, stored (its
 * checksum verified), or failed (given up after retries, with the last reason).
 */
export interface ThreadMedia {
  readonly state: ThreadMediaState;
  /** Failed downloads so far. */
  readonly attempts: number;
  readonly retryAt: string | null;
  readonly lastError: string | null;
  /** Stored media only. */
  readonly storageKey: string | null;
  readonly mimeType: string | null;
  readonly sizeBytes: number | null;
  readonly sha256: string | null;
}

export const PENDING_MEDIA: ThreadMedia = {
  state: 'pending',
  attempts: 0,
  retryAt: null,
  lastError: null,
  storageKey: null,
  mimeType: null,
  sizeBytes: null,
  sha256: null,
};

/** What the projection remembers per conversation to fill in outbound senders and recipients. */
export interface ThreadConversation {
  readonly conversationId: string;
  readonly portalId: string;
  readonly businessPhone: string;
  readonly contactPhone: string;
}

export const NO_DELIVERY: DeliveryTrack = {
  status: null,
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  playedAt: null,
  failedAt: null,
  error: null,
};

export const PENDING_DISPATCH: DispatchTrack = {
  state: 'pending',
  attempts: 0,
  lastAttemptAt: null,
  retryAt: null,
  unknownReason: null,
  resendRequestedAt: null,
  lastFailure: null,
};

/** Defence in depth: whatever a row holds, a quarantined message leaves with no content. */
export function withoutQuarantinedContent(message: ThreadMessage): ThreadMessage {
  if (message.quarantine === null) return message;
  return { ...message, content: null, placeholder: { kind: 'quarantined' } };
}
