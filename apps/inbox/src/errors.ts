/**
 * The service's refusals in the agent's words. A code is never shown: an unknown one falls back
 * to the service's own sentence, or a general one.
 */
const WORDS: Readonly<Record<string, string>> = {
  SESSION_CLOSED: 'The 24-hour window is closed: send a template',
  SESSION_STATE_CHANGED: 'The 24-hour window changed meanwhile: try again',
  MONTHLY_LIMIT_REACHED: "The portal's monthly conversation limit is reached",
  DAILY_LIMIT_REACHED: "This account's daily limit of business-initiated conversations is reached",
  QUOTA_EXHAUSTED: 'No conversations are left this month',
  TEMPLATE_NOT_APPROVED: 'This template is not approved by Meta yet',
  TEMPLATE_NOT_FOUND: 'This template does not exist for this account',
  TEMPLATE_PARAMETERS_MISMATCH: 'Fill in every parameter of the template',
  TICKET_ALREADY_CLOSED: 'The ticket is already closed',
  TICKET_ALREADY_OPEN: 'The ticket is already open',
  TICKET_NOT_FOUND: 'This ticket no longer exists',
  CONVERSATION_NOT_FOUND: 'This conversation does not exist',
  CONVERSATION_EXISTS: 'A conversation with this contact is already open on this number: reply there',
  CONTACT_HAS_NO_PHONE_NUMBER: 'This contact has no phone number',
  CONTACT_NOT_FOUND: 'This contact does not exist',
  INVALID_PHONE_NUMBER: 'This is not a phone number with its country code',
  CHANNEL_NOT_CONNECTED: 'This WhatsApp number is not connected any more',
  PORTAL_SUSPENDED: 'Your portal is suspended: nothing can be sent',
  PORTAL_NOT_FOUND: 'Your portal is not registered yet',
  IDEMPOTENCY_KEY_REUSED: 'This request was already sent with other content',
  INVALID_COMMAND: 'The request is not valid',
  BAD_USER_INPUT: 'Some of what you typed is not valid',
  UNAUTHENTICATED: 'Your sign-in is not valid or has expired: sign in again',
  FORBIDDEN: 'Your role does not allow this',
  NOT_FOUND: 'Not found',
  STALE_READ: 'The service is busy catching up: try again in a moment',
  RATE_LIMITED: 'Too many requests: wait a moment',
  SEARCH_BUSY: 'Too many broad searches are running: try again in a moment',
  SEARCH_TOO_BROAD: 'This search matches too much: search for something more specific',
  SERVICE_UNAVAILABLE: 'The service is unavailable: try again in a moment',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the service',
  NETWORK: 'The service cannot be reached: check your connection',
  MEDIA: 'The file could not be loaded',
  MEDIA_TOO_LARGE: 'The file is larger than WhatsApp accepts for its kind',
  UNSUPPORTED_MEDIA_TYPE: 'WhatsApp does not accept this kind of file',
  TOO_MANY_UPLOADS: 'Too many uploads at once: wait for one to finish',
  MEDIA_UPLOAD_NOT_FOUND: 'The uploaded file is gone: attach it again',
  VIEW_LIMIT_REACHED: 'You have too many views: delete one first',
  VIEW_ALREADY_EXISTS: 'A view with this name exists already',
  INVALID_VIEW: 'This view is not valid: check its name and filters',
  VIEW_NOT_FOUND: 'This view does not exist any more',
  UNKNOWN: 'Something went wrong',
};

export function describeError(code: string, serviceMessage?: string): string {
  const words = WORDS[code];
  if (words) return words;
  // The service's own sentence, unless it is only a code itself.
  if (serviceMessage && !/^[A-Z][A-Z0-9_]*$/.test(serviceMessage.trim())) return serviceMessage;
  return WORDS.UNKNOWN;
}
