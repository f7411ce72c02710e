import type { DomainEvent } from '../core/index.js';
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

export type TicketOpened = DomainEvent<'TicketOpened', { ticketId: string; openedAt: string }>;
export type TicketAssigned = DomainEvent<
  'TicketAssigned',
  { ticketId: string; from: string | null; to: string; assignedAt: string }
>;
export type TicketClosed = DomainEvent<'TicketClosed', { ticketId: string; closedAt: string }>;
export type TicketReopened = DomainEvent<'TicketReopened', { ticketId: string; reopenedAt: string }>;

interface InboundMessageFacts {
  messageId: string;
  wamid: string;
  ticketId: string;
  from: string;
  to: string;
  /** Meta's timestamp: when the contact sent it. */
  sentAt: string;
  receivedAt: string;
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
export type SessionClosed = DomainEvent<'SessionClosed', { sessionId: string; closedAt: string }>;

export type ContactAssociated = DomainEvent<'ContactAssociated', { contactId: string; associatedAt: string }>;
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
export interface DeliveryError {
  readonly code: number;
  readonly title: string;
}

export type DeliveryStatusRecorded = DomainEvent<
  'DeliveryStatusRecorded',
  { messageId: string; status: DeliveryStatus; at: string; error?: DeliveryError }
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
  | TicketOpened
  | TicketAssigned
  | TicketClosed
  | TicketReopened
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
  | MessageQuarantined
  | QuarantinedContentRevealed;

export const SESSION_EVENT_TYPES = ['SessionOpened', 'SessionExtended', 'SessionClosed'] as const;
