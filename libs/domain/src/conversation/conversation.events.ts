import type { DomainEvent } from '../core/index.js';
import type { TicketEvent } from './ticket.js';
import type { ReadStateEvent } from './read-state.js';
import type { InboundMediaEvent } from './inbound-media.js';
import type { TemplateParameters } from '../template/index.js';
import type { ReplyContent, SupportedInboundContent, UnsupportedKind } from './message-content.js';

/** The first event of a conversation stream: whose conversation it is, once. */
export type ConversationStarted = DomainEvent<
  'ConversationStarted',
  {
    conversationId: string;
    portalId: string;
    phoneNumberId: string;
    businessPhone: string;
    contactWaId: string;
    contactPhone: string;
    startedAt: string;
  }
>;

interface InboundMessageFacts {
  messageId: string;
  wamid: string;
  ticketId: string;
  from: string;
  to: string;
  /** Meta's timestamp: when the contact sent it. */
  sentAt: string;
  receivedAt: string;
  /** The name the sender gave WhatsApp (Meta's `contacts[].profile.name`); absent when Meta sent none. */
  profileName?: string;
}

export type InboundMessageReceived = DomainEvent<
  'InboundMessageReceived',
  InboundMessageFacts & { content: SupportedInboundContent }
>;
export type UnsupportedMessageReceived = DomainEvent<
  'UnsupportedMessageReceived',
  InboundMessageFacts & { unsupportedKind: UnsupportedKind; detail: string }
>;

export type SessionOpened = DomainEvent<'SessionOpened', { sessionId: string; openedAt: string; expiresAt: string }>;
/** The contact wrote again while the session was open: the 24 hours start over. */
export type SessionExtended = DomainEvent<'SessionExtended', { sessionId: string; expiresAt: string }>;
/** Why a session closed before its expiry; absent: it expired 24 hours after the contact's last message. */
export type SessionCloseReason = 'outside_window';
export type SessionClosed = DomainEvent<
  'SessionClosed',
  { sessionId: string; closedAt: string; reason?: SessionCloseReason }
>;

/** `chosenFrom`: the candidates an agent chose among (absent when the only match was associated). */
export type ContactAssociated = DomainEvent<
  'ContactAssociated',
  { contactId: string; associatedAt: string; chosenFrom?: string[] }
>;
/** Several contacts share the sender's number: none is picked, an agent associates one. */
export type ContactMatchAmbiguous = DomainEvent<'ContactMatchAmbiguous', { candidateContactIds: string[] }>;

export type ReplyCountedAs = 'free' | 'user_initiated_session';

export type ReplyAccepted = DomainEvent<
  'ReplyAccepted',
  {
    messageId: string;
    ticketId: string | null;
    sessionId: string;
    content: ReplyContent;
    acceptedAt: string;
    countedAs: ReplyCountedAs;
    ruleVersion: string;
  }
>;

export type ConversationKind = 'business_initiated' | 'within_session';

export type TemplateMessageAccepted = DomainEvent<
  'TemplateMessageAccepted',
  {
    messageId: string;
    ticketId: string | null;
    templateName: string;
    language: string;
    renderedText: string;
    renderedHeader?: string;
    parameters: TemplateParameters;
    conversationKind: ConversationKind;
    sessionId: string | null;
    acceptedAt: string;
    ruleVersion: string;
  }
>;

export type OutboundWamidRecorded = DomainEvent<'OutboundWamidRecorded', { messageId: string; wamid: string }>;

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';
/** Meta's reason a message failed, as Meta worded it, so agents see why. */
export interface DeliveryError {
  readonly code: number;
  readonly title: string;
  readonly message?: string;
  readonly details?: string;
}

export type DeliveryStatusRecorded = DomainEvent<
  'DeliveryStatusRecorded',
  { messageId: string; status: DeliveryStatus; at: string; error?: DeliveryError }
>;

/**
 * A status Meta reported after a later one (`sent` after `read`): the status does not move back,
 * but the time Meta gave is a fact, kept for the message (`sentAt`, `deliveredAt`, ...).
 */
export type DeliveryTimeRecorded = DomainEvent<
  'DeliveryTimeRecorded',
  { messageId: string; status: Exclude<DeliveryStatus, 'failed'>; at: string }
>;

/** Why Meta did not take a message: its error code and text, or no code when Meta never answered. */
export interface OutboundFailure {
  /** Meta's error code (131047, 130429, 100, ...); null when its answer had none or never came. */
  readonly code: number | null;
  readonly title: string;
  readonly message: string;
  /** The HTTP status of Meta's answer; null when the connection failed before the request was sent. */
  readonly httpStatus: number | null;
  /** Meta's trace id, for its support. */
  readonly fbtraceId?: string;
}

/** Recorded before the HTTP call: the durable intent that lets a restart tell "maybe sent" from "never sent". */
export type OutboundSendAttempted = DomainEvent<
  'OutboundSendAttempted',
  { messageId: string; attempt: number; at: string }
>;

/**
 * Meta said it did not take the message (throughput limit, server error) or was unreachable: try
 * again later. `metaMediaId`: the media the failed attempt uploaded to Meta, which the retry sends
 * by that id.
 */
export type OutboundRetryScheduled = DomainEvent<
  'OutboundRetryScheduled',
  OutboundFailure & { messageId: string; attempt: number; delayMs: number; retryAt: string; metaMediaId?: string }
>;

export type OutboundFailureReason = 'refused' | 'outside_window' | 'attempts_exhausted';

/** Final: Meta refused the message, or every attempt allowed failed. */
export type OutboundMessageFailed = DomainEvent<
  'OutboundMessageFailed',
  OutboundFailure & { messageId: string; attempt: number; reason: OutboundFailureReason; failedAt: string }
>;

/**
 * An attempt without an outcome (the process died, or the answer never came after the request was
 * written): Meta may or may not have the message. It is not sent again automatically; a status
 * webhook naming it reconciles it, or an agent asks to send it again.
 */
export type OutboundDeliveryUnknown = DomainEvent<
  'OutboundDeliveryUnknown',
  { messageId: string; attempt: number; reason: string; at: string }
>;

/** An agent chose to send again a message whose delivery is unknown or failed, accepting a possible duplicate. */
export type OutboundResendRequested = DomainEvent<
  'OutboundResendRequested',
  { messageId: string; requestedAt: string }
>;

export type MessageQuarantined = DomainEvent<
  'MessageQuarantined',
  { messageId: string; reason: string; quarantinedAt: string }
>;
/** Who revealed it is in the event's metadata (actorId), as for every command. */
export type QuarantinedContentRevealed = DomainEvent<
  'QuarantinedContentRevealed',
  { messageId: string; reason: string; revealedAt: string }
>;

export type ConversationEvent =
  | ConversationStarted
  | TicketEvent
  | ReadStateEvent
  | InboundMediaEvent
  | InboundMessageReceived
  | UnsupportedMessageReceived
  | SessionOpened
  | SessionExtended
  | SessionClosed
  | ContactAssociated
  | ContactMatchAmbiguous
  | ReplyAccepted
  | TemplateMessageAccepted
  | OutboundWamidRecorded
  | DeliveryStatusRecorded
  | DeliveryTimeRecorded
  | OutboundSendAttempted
  | OutboundRetryScheduled
  | OutboundMessageFailed
  | OutboundDeliveryUnknown
  | OutboundResendRequested
  | MessageQuarantined
  | QuarantinedContentRevealed;

export const SESSION_EVENT_TYPES = ['SessionOpened', 'SessionExtended', 'SessionClosed'] as const;
