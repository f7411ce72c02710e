import { type DomainCommand, type DomainEvent, assertNever, refuse } from '../core/index.js';
import { startedConversation, nonBlank } from './conversation.guards.js';
import type { ConversationState, StartedConversation } from './conversation.state.js';

/**
 * The ticket of a conversation: its commands, events, rules and fold in one file, so a new ticket
 * action changes this file only in the domain (the conversation's decide and evolve delegate here).
 */
export type TicketState = Readonly<{ ticketId: string; status: 'Open' | 'Closed'; assigneeId: string | null }>;

export type AssignTicket = DomainCommand<'AssignTicket', { ticketId: string; assigneeId: string }>;
export type CloseTicket = DomainCommand<'CloseTicket', { ticketId: string }>;
export type ReopenTicket = DomainCommand<'ReopenTicket', { ticketId: string }>;
export type TicketCommand = AssignTicket | CloseTicket | ReopenTicket;

/** Recorded by the conversation when an inbound message finds no open ticket. */
export type TicketOpened = DomainEvent<'TicketOpened', { ticketId: string; openedAt: string }>;
export type TicketAssigned = DomainEvent<
  'TicketAssigned',
  { ticketId: string; from: string | null; to: string; assignedAt: string }
>;
export type TicketClosed = DomainEvent<'TicketClosed', { ticketId: string; closedAt: string }>;
export type TicketReopened = DomainEvent<'TicketReopened', { ticketId: string; reopenedAt: string }>;
export type TicketEvent = TicketOpened | TicketAssigned | TicketClosed | TicketReopened;

// Keyed by type, so the compiler refuses a ticket command or event left out of the lists.
const TICKET_COMMANDS: { readonly [Type in TicketCommand['type']]: true } = {
  AssignTicket: true,
  CloseTicket: true,
  ReopenTicket: true,
};
const TICKET_EVENTS: { readonly [Type in TicketEvent['type']]: true } = {
  TicketOpened: true,
  TicketAssigned: true,
  TicketClosed: true,
  TicketReopened: true,
};

export function isTicketCommand<C extends { readonly type: string }>(command: C): command is Extract<C, TicketCommand> {
  return Object.hasOwn(TICKET_COMMANDS, command.type);
}

export function isTicketEvent<E extends { readonly type: string }>(event: E): event is Extract<E, TicketEvent> {
  return Object.hasOwn(TICKET_EVENTS, event.type);
}

export function decideTicket(command: TicketCommand, state: ConversationState): TicketEvent[] {
  const conversation = startedConversation(state, command.context);
  const now = command.context.now.toISOString();
  switch (command.type) {
    case 'AssignTicket': {
      const ticket = currentTicket(conversation, command.data.ticketId);
      const to = nonBlank(command.data.assigneeId, 'The assignee');
      if (ticket.status === 'Closed')
        refuse('TICKET_ALREADY_CLOSED', `Ticket ${ticket.ticketId} is closed: reopen it first`);
      if (ticket.assigneeId === to) return [];
      return [
        { type: 'TicketAssigned', data: { ticketId: ticket.ticketId, from: ticket.assigneeId, to, assignedAt: now } },
      ];
    }
    case 'CloseTicket': {
      const ticket = currentTicket(conversation, command.data.ticketId);
      if (ticket.status === 'Closed') refuse('TICKET_ALREADY_CLOSED', `Ticket ${ticket.ticketId} is already closed`);
      return [{ type: 'TicketClosed', data: { ticketId: ticket.ticketId, closedAt: now } }];
    }
    case 'ReopenTicket': {
      const ticket = currentTicket(conversation, command.data.ticketId);
      if (ticket.status === 'Open') refuse('TICKET_ALREADY_OPEN', `Ticket ${ticket.ticketId} is already open`);
      return [{ type: 'TicketReopened', data: { ticketId: ticket.ticketId, reopenedAt: now } }];
    }
    default:
      return assertNever(command);
  }
}

export function evolveTicket(ticket: TicketState | null, event: TicketEvent): TicketState | null {
  switch (event.type) {
    case 'TicketOpened':
      return { ticketId: event.data.ticketId, status: 'Open', assigneeId: null };
    case 'TicketAssigned':
      return ticket && { ...ticket, assigneeId: event.data.to };
    case 'TicketClosed':
      return ticket && { ...ticket, status: 'Closed' };
    case 'TicketReopened':
      return ticket && { ...ticket, status: 'Open' };
    default:
      return assertNever(event);
  }
}

/** Agents act on the ticket they see: only the conversation's current ticket, by id. */
function currentTicket(conversation: StartedConversation, ticketId: string): TicketState {
  if (conversation.ticket?.ticketId !== ticketId) {
    refuse('TICKET_NOT_FOUND', `Ticket ${ticketId} is not this conversation's current ticket`, { ticketId });
  }
  return conversation.ticket;
}
