import { type Decider, assertNever } from '../core/index.js';
import type { ConversationCommand } from './conversation.commands.js';
import type { ConversationEvent } from './conversation.events.js';
import { type ConversationState, evolveConversation, initialConversationState } from './conversation.state.js';
import { receiveInboundMessage } from './decide-inbound.js';
import {
  markOutboundDeliveryUnknown,
  recordOutboundSendAttempt,
  recordOutboundSendFailure,
  resendOutboundMessage,
} from './decide-outbound-delivery.js';
import {
  quarantineMessage,
  recordDeliveryStatus,
  recordOutboundWamid,
  revealQuarantinedMessage,
} from './decide-message.js';
import { closeExpiredSession, replyToContact, sendTemplate } from './decide-session.js';
import { associateContact, chooseContact } from './decide-contact.js';
import { startConversation } from './decide-start.js';
import { decideTicket, isTicketCommand } from './ticket.js';
import { decideReadState, isReadStateCommand } from './read-state.js';
import { decideInboundMedia, isInboundMediaCommand } from './inbound-media.js';

export function decideConversation(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  if (isTicketCommand(command)) return decideTicket(command, state);
  if (isReadStateCommand(command)) return decideReadState(command, state);
  if (isInboundMediaCommand(command)) return decideInboundMedia(command, state);
  switch (command.type) {
    case 'ReceiveInboundMessage':
      return receiveInboundMessage(command, state);
    case 'CloseExpiredSession':
      return closeExpiredSession(command, state);
    case 'ReplyToContact':
      return replyToContact(command, state);
    case 'SendTemplate':
      return sendTemplate(command, state);
    case 'RecordDeliveryStatus':
      return recordDeliveryStatus(command, state);
    case 'RecordOutboundWamid':
      return recordOutboundWamid(command, state);
    case 'RecordOutboundSendAttempt':
      return recordOutboundSendAttempt(command, state);
    case 'RecordOutboundSendFailure':
      return recordOutboundSendFailure(command, state);
    case 'MarkOutboundDeliveryUnknown':
      return markOutboundDeliveryUnknown(command, state);
    case 'ResendOutboundMessage':
      return resendOutboundMessage(command, state);
    case 'QuarantineMessage':
      return quarantineMessage(command, state);
    case 'RevealQuarantinedMessage':
      return revealQuarantinedMessage(command, state);
    case 'AssociateContact':
      return associateContact(command, state);
    case 'ChooseContact':
      return chooseContact(command, state);
    case 'StartConversation':
      return startConversation(command, state);
    default:
      return assertNever(command);
  }
}

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: initialConversationState,
};
