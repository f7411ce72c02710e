export * from './conversation.commands.js';
export * from './conversation.decide.js';
export * from './conversation.events.js';
export * from './conversation.state.js';
export * from './conversation-key.js';
export { checkConversationStart, type ConversationStartCheck, type ConversationStartRequest } from './decide-start.js';
export { isDeliveryProgress } from './decide-message.js';
export { dueAttempt } from './decide-outbound-delivery.js';
export * from './message-content.js';
export { MAX_SEND_ATTEMPTS, OUTSIDE_WINDOW_ERROR_CODE, isRetryableFailure } from './outbound-delivery.js';
export {
  MAX_CAPTION_LENGTH,
  MAX_MEDIA_FILE_NAME_LENGTH,
  type OutboundMediaLimit,
  bytesInWords,
  outboundMediaKindOf,
  outboundMediaLimit,
  refuseTooLarge,
  validateOutboundMedia,
} from './outbound-media.js';
export * from './send-preconditions.js';
export * from './ticket.js';
export * from './read-state.js';
export * from './inbound-media.js';
