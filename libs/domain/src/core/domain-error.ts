/**
 * A refused command: a stable code the edge maps to a transport error, and a sentence for the agent.
 * Codes are listed here so every capability's errors share one vocabulary.
 */
export type DomainErrorCode =
  | 'PORTAL_ALREADY_REGISTERED'
  | 'PORTAL_NOT_FOUND'
  | 'PORTAL_SUSPENDED'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_DATE'
  | 'INVALID_LIMIT'
  | 'CHANNEL_ALREADY_CONNECTED'
  | 'CHANNEL_NOT_CONNECTED'
  | 'PERSONAL_ACCOUNT_NOT_ALLOWED'
  | 'TOO_MANY_PHONE_NUMBERS'
  | 'PHONE_NUMBER_ALREADY_CLAIMED'
  | 'ACCOUNT_ALREADY_CLAIMED'
  | 'OWNERSHIP_NOT_VERIFIED'
  | 'OWNERSHIP_CHECK_UNAVAILABLE'
  | 'PHONE_NUMBER_NOT_ON_CHANNEL'
  | 'INVALID_PHONE_NUMBER'
  | 'CONTACT_ALREADY_EXISTS'
  | 'CONTACT_NOT_FOUND'
  | 'TEMPLATE_ALREADY_REGISTERED'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_PARAMETERS_MISMATCH'
  | 'TEMPLATE_NOT_APPROVED'
  | 'INVALID_TEMPLATE'
  | 'MESSAGE_PREDATES_CONNECTION'
  | 'SESSION_CLOSED'
  | 'MONTHLY_LIMIT_REACHED'
  | 'DAILY_LIMIT_REACHED'
  /** A media format WhatsApp cannot send; the accepted ones are in the message. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** A media larger than WhatsApp sends: the limit in bytes and in words in the message and details. */
  | 'MEDIA_TOO_LARGE'
  /** An upload id unknown to the portal (another portal's answers the same). */
  | 'MEDIA_UPLOAD_NOT_FOUND'
  | 'MESSAGE_NOT_FOUND'
  | 'MESSAGE_NOT_QUARANTINED'
  | 'TICKET_ALREADY_CLOSED'
  | 'TICKET_ALREADY_OPEN'
  | 'TICKET_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  /** An open thread with the contact on that number exists already: its id is in the details, go there. */
  | 'CONVERSATION_EXISTS'
  | 'CONTACT_HAS_NO_PHONE_NUMBER'
  | 'SESSION_STATE_CHANGED'
  | 'CONTACT_ALREADY_ASSOCIATED'
  | 'VIEW_NOT_FOUND'
  | 'VIEW_ALREADY_EXISTS'
  | 'INVALID_VIEW'
  | 'VIEW_LIMIT_REACHED'
  | 'CAMPAIGN_NOT_FOUND'
  /** More recipients than one campaign may hold (CAMPAIGN_LIMITS.maxRecipients). */
  | 'CAMPAIGN_TOO_LARGE'
  | 'INVALID_CAMPAIGN'
  /** Completed, stopped or cancelled: nothing more to cancel. */
  | 'CAMPAIGN_FINISHED'
  | 'NOT_ALLOWED'
  | 'INVALID_COMMAND'
  /** An idempotency key already recorded for another request (command-handling shell). */
  | 'IDEMPOTENCY_KEY_REUSED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function refuse(code: DomainErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}
