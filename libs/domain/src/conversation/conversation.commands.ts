import type { DomainCommand } from '../core/index.js';
import type { TicketCommand } from './ticket.js';
import type { ReadStateCommand } from './read-state.js';
import type { InboundMediaCommand } from './inbound-media.js';
import type { ReplyCountedAs, DeliveryError, DeliveryStatus, OutboundFailure } from './conversation.events.js';
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
    /** Meta's timestamp: whole seconds. */
    sentAt: string;
    /** When the receiving number was connected (see `numberConnectedAt`): older messages are refused. */
    numberConnectedAt: string;
    content: InboundContent;
    /** Contacts whose phone or mobile number is `from`, from the contact lookup. */
    matchingContactIds: readonly string[];
    /** The name the sender gave WhatsApp (Meta's `contacts[].profile.name`), if Meta sent it. */
    profileName?: string;
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

/**
 * A status names the message by Meta's id, or by ours (`biz_opaque_callback_data`). With both, a
 * wamid we lost (a crash right after sending) is recorded from the status.
 */
export type OutboundMessageRef = { readonly messageId: string; readonly wamid?: string } | { readonly wamid: string };

export type RecordDeliveryStatus = DomainCommand<
  'RecordDeliveryStatus',
  OutboundMessageRef & { status: DeliveryStatus; at: string; error?: DeliveryError }
>;

export type RecordOutboundWamid = DomainCommand<'RecordOutboundWamid', { messageId: string; wamid: string }>;

/** The dispatcher sends only if this records the attempt: whoever records attempt n is its only sender. */
export type RecordOutboundSendAttempt = DomainCommand<
  'RecordOutboundSendAttempt',
  { messageId: string; attempt: number }
>;

/**
 * Meta answered with an error, or was unreachable. `retryDelayMs` is used only if the decision is to
 * retry. `metaMediaId`: Meta's id for the media this attempt uploaded before its send failed, so
 * that a retry sends it by that id instead of uploading the file again.
 */
export type RecordOutboundSendFailure = DomainCommand<
  'RecordOutboundSendFailure',
  { messageId: string; attempt: number; failure: OutboundFailure; retryDelayMs: number; metaMediaId?: string }
>;

export type MarkOutboundDeliveryUnknown = DomainCommand<
  'MarkOutboundDeliveryUnknown',
  { messageId: string; attempt: number; reason: string }
>;

/** An agent's choice for a message whose delivery is unknown or failed. */
export type ResendOutboundMessage = DomainCommand<'ResendOutboundMessage', { messageId: string }>;

export type QuarantineMessage = DomainCommand<'QuarantineMessage', { messageId: string; reason: string }>;
export type RevealQuarantinedMessage = DomainCommand<'RevealQuarantinedMessage', { messageId: string; reason: string }>;

export type AssociateContact = DomainCommand<'AssociateContact', { contactId: string }>;

/**
 * An agent picks the contact of a conversation whose number several contacts share.
 * `matchingContactIds`: the portal's contacts with the conversation's number now, looked up by the handler.
 */
export type ChooseContact = DomainCommand<
  'ChooseContact',
  { contactId: string; matchingContactIds: readonly string[] }
>;

/**
 * An agent opens a thread with a contact by sending a template from one of the portal's numbers.
 * The ticket and message ids are new (used only if the decision needs them); `contactId`, when the
 * agent started from a contact record (or one contact has the number), is associated. The template
 * was rendered and its quota settled as for `SendTemplate`.
 */
export type StartConversation = DomainCommand<
  'StartConversation',
  {
    phoneNumberId: string;
    /** The business number, E.164. */
    businessPhone: string;
    /** The contact's number, E.164. */
    contactPhone: string;
    contactId: string | null;
    ticketId: string;
    messageId: string;
    template: TemplateToSend;
    ruleVersion: string;
    businessInitiated: boolean;
    sessionId?: string;
  }
>;

export type ConversationCommand =
  | ReceiveInboundMessage
  | CloseExpiredSession
  | ReplyToContact
  | SendTemplate
  | RecordDeliveryStatus
  | RecordOutboundWamid
  | RecordOutboundSendAttempt
  | RecordOutboundSendFailure
  | MarkOutboundDeliveryUnknown
  | ResendOutboundMessage
  | QuarantineMessage
  | RevealQuarantinedMessage
  | TicketCommand
  | ReadStateCommand
  | InboundMediaCommand
  | AssociateContact
  | ChooseContact
  | StartConversation;
