import type { DomainCommand } from '../core/index.js';
import type { ReplyCountedAs, DeliveryError, DeliveryStatus } from './conversation.events.js';
import type { InboundContent, ReplyContent, TemplateToSend } from './message-content.js';

/** New ids (ticket, message, session) come in the command and are used only if the decision needs them. */
export type ReceiveInboundMessage = DomainCommand<
  'ReceiveInboundMessage',
  {
    phoneNumberId: string;
    ticketId: string;
    sessionId: string;
    messageId: string;
    wamid: string;
    /** The contact's number, E.164. */
    from: string;
    /** The business number, E.164. */
    to: string;
    sentAt: string;
    channelConnectedAt: string;
    content: InboundContent;
    /** Contacts whose phone or mobile number is `from`, from the contact lookup. */
    matchingContactIds: readonly string[];
  }
>;

export type CloseExpiredSession = DomainCommand<'CloseExpiredSession', { sessionId: string }>;

/** `sessionId`, `countedAs` and `ruleVersion`: how the quota counted this reply, decided before sending. */
export type ReplyToContact = DomainCommand<
  'ReplyToContact',
  { messageId: string; content: ReplyContent; sessionId: string; countedAs: ReplyCountedAs; ruleVersion: string }
>;

/**
 * `businessInitiated`: a business-initiated conversation was reserved for it; otherwise it was
 * counted within `sessionId`. The decision refuses if the session changed since.
 */
export type SendTemplate = DomainCommand<
  'SendTemplate',
  { messageId: string; template: TemplateToSend; ruleVersion: string; businessInitiated: boolean; sessionId?: string }
>;

export type OutboundMessageRef = { readonly messageId: string } | { readonly wamid: string };

export type RecordDeliveryStatus = DomainCommand<
  'RecordDeliveryStatus',
  OutboundMessageRef & { status: DeliveryStatus; at: string; error?: DeliveryError }
>;

export type RecordOutboundWamid = DomainCommand<'RecordOutboundWamid', { messageId: string; wamid: string }>;

export type QuarantineMessage = DomainCommand<'QuarantineMessage', { messageId: string; reason: string }>;
export type RevealQuarantinedMessage = DomainCommand<'RevealQuarantinedMessage', { messageId: string; reason: string }>;

export type AssignTicket = DomainCommand<'AssignTicket', { ticketId: string; assigneeId: string }>;
export type CloseTicket = DomainCommand<'CloseTicket', { ticketId: string }>;
export type ReopenTicket = DomainCommand<'ReopenTicket', { ticketId: string }>;

export type AssociateContact = DomainCommand<'AssociateContact', { contactId: string }>;

export type ConversationCommand =
  | ReceiveInboundMessage
  | CloseExpiredSession
  | ReplyToContact
  | SendTemplate
  | RecordDeliveryStatus
  | RecordOutboundWamid
  | QuarantineMessage
  | RevealQuarantinedMessage
  | AssignTicket
  | CloseTicket
  | ReopenTicket
  | AssociateContact;
