import { refuse } from '../core/index.js';
import type { AssignTicket, AssociateContact, CloseTicket, ReopenTicket } from './conversation.commands.js';
import type { ContactAssociated, TicketAssigned, TicketClosed, TicketReopened } from './conversation.events.js';
import { nonBlank, startedConversation } from './conversation.guards.js';
import type { ConversationState, StartedConversation, TicketState } from './conversation.state.js';

/** Agents act on the ticket they see: only the conversation's current ticket, by id. */
function currentTicket(conversation: StartedConversation, ticketId: string): TicketState {
  if (conversation.ticket?.ticketId !== ticketId) {
    refuse('TICKET_NOT_FOUND', `Ticket ${ticketId} is not this conversation's current ticket`, { ticketId });
  }
  return conversation.ticket;
}

export function assignTicket(command: AssignTicket, state: ConversationState): TicketAssigned[] {
  const ticket = currentTicket(startedConversation(state, command.context), command.data.ticketId);
  const to = nonBlank(command.data.assigneeId, 'The assignee');
  if (ticket.status === 'Closed') refuse('TICKET_ALREADY_CLOSED', `Ticket ${ticket.ticketId} is closed: reopen it first`);
  if (ticket.assigneeId === to) return [];
  const assignedAt = command.context.now.toISOString();
  return [{ type: 'TicketAssigned', data: { ticketId: ticket.ticketId, from: ticket.assigneeId, to, assignedAt } }];
}

export function closeTicket(command: CloseTicket, state: ConversationState): TicketClosed[] {
  const ticket = currentTicket(startedConversation(state, command.context), command.data.ticketId);
  if (ticket.status === 'Closed') refuse('TICKET_ALREADY_CLOSED', `Ticket ${ticket.ticketId} is already closed`);
  return [{ type: 'TicketClosed', data: { ticketId: ticket.ticketId, closedAt: command.context.now.toISOString() } }];
}

export function reopenTicket(command: ReopenTicket, state: ConversationState): TicketReopened[] {
  const ticket = currentTicket(startedConversation(state, command.context), command.data.ticketId);
  if (ticket.status === 'Open') refuse('TICKET_ALREADY_OPEN', `Ticket ${ticket.ticketId} is already open`);
  return [{ type: 'TicketReopened', data: { ticketId: ticket.ticketId, reopenedAt: command.context.now.toISOString() } }];
}

/** For contacts created after the conversation started; one contact per conversation. */
export function associateContact(command: AssociateContact, state: ConversationState): ContactAssociated[] {
  const conversation = startedConversation(state, command.context);
  const contactId = nonBlank(command.data.contactId, 'The contact id');
  if (conversation.contactId === contactId) return [];
  if (conversation.contactId !== null) {
    refuse('CONTACT_ALREADY_ASSOCIATED', `This conversation is already associated with contact ${conversation.contactId}`, {
      contactId: conversation.contactId,
    });
  }
  return [{ type: 'ContactAssociated', data: { contactId, associatedAt: command.context.now.toISOString() } }];
}
