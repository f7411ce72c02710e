import { specificationFor } from '../../../../test/support/decider-specification.js';
import { HOUR, command, firstSentAt, historyOf, inbound, later } from './conversation.fixtures.js';
import {
  type AssignTicket,
  type AssociateContact,
  type ChooseContact,
  type CloseTicket,
  type ReopenTicket,
  conversationDecider,
} from './index.js';

const spec = specificationFor(conversationDecider);
const now = later(firstSentAt, HOUR);

const assign = (assigneeId: string, ticketId = 'ticket-1') =>
  command<AssignTicket>('AssignTicket', { ticketId, assigneeId }, now);
const close = (ticketId = 'ticket-1') => command<CloseTicket>('CloseTicket', { ticketId }, now);
const reopen = (ticketId = 'ticket-1') => command<ReopenTicket>('ReopenTicket', { ticketId }, now);
const associate = (contactId: string) => command<AssociateContact>('AssociateContact', { contactId }, now);
const choose = (contactId: string, matchingContactIds = ['contact-7', 'contact-9']) =>
  command<ChooseContact>('ChooseContact', { contactId, matchingContactIds }, now);

describe('Tickets and their contact', () => {
  describe('When the ticket is open', () => {
    const open = historyOf(inbound(1));

    it('assigns an owner', () => {
      spec
        .given(open)
        .when(assign('agent-1'))
        .then([{ type: 'TicketAssigned', data: { ticketId: 'ticket-1', from: null, to: 'agent-1', assignedAt: now } }]);
    });

    it('reassigns it to another agent, recording from whom', () => {
      const [event] = spec
        .given(historyOf(inbound(1), assign('agent-1')))
        .when(assign('agent-2'))
        .events();
      expect(event.data).toMatchObject({ from: 'agent-1', to: 'agent-2' });
    });

    it('does nothing when assigned to its current owner', () => {
      spec
        .given(historyOf(inbound(1), assign('agent-1')))
        .when(assign('agent-1'))
        .thenNothingHappens();
    });

    it('closes it', () => {
      spec
        .given(open)
        .when(close())
        .then([{ type: 'TicketClosed', data: { ticketId: 'ticket-1', closedAt: now } }]);
    });

    it('refuses to reopen it', () => {
      spec.given(open).when(reopen()).thenRefuses('TICKET_ALREADY_OPEN');
    });

    it('refuses a ticket that is not the current one', () => {
      spec.given(open).when(assign('agent-1', 'ticket-9')).thenRefuses('TICKET_NOT_FOUND');
      spec.given(open).when(close('ticket-9')).thenRefuses('TICKET_NOT_FOUND');
    });

    it('refuses a blank assignee', () => {
      spec.given(open).when(assign(' ')).thenRefuses('INVALID_COMMAND');
    });
  });

  describe('When the ticket is closed', () => {
    const closed = historyOf(inbound(1), close());

    it('reopens it', () => {
      spec
        .given(closed)
        .when(reopen())
        .then([{ type: 'TicketReopened', data: { ticketId: 'ticket-1', reopenedAt: now } }]);
    });

    it('refuses to close or assign it again', () => {
      spec.given(closed).when(close()).thenRefuses('TICKET_ALREADY_CLOSED');
      spec
        .given(closed)
        .when(assign('agent-1'))
        .thenRefuses('TICKET_ALREADY_CLOSED', /reopen/);
    });

    it('refuses to reopen it once the contact wrote again and a new ticket took its place', () => {
      const superseded = historyOf(inbound(1), close(), inbound(2, { sentAt: later(now, HOUR) }));
      spec.given(superseded).when(reopen('ticket-1')).thenRefuses('TICKET_NOT_FOUND');
    });
  });

  describe('When no contact is associated', () => {
    const unassociated = historyOf(inbound(1));

    it('associates a contact created later', () => {
      spec
        .given(unassociated)
        .when(associate('contact-7'))
        .then([{ type: 'ContactAssociated', data: { contactId: 'contact-7', associatedAt: now } }]);
    });

    it('resolves an ambiguous match with the contact an agent chose', () => {
      const ambiguous = historyOf(inbound(1, { matchingContactIds: ['contact-7', 'contact-9'] }));
      expect(spec.given(ambiguous).when(associate('contact-9')).events()).toHaveLength(1);
    });
  });

  describe('When several contacts share the number, an agent chooses', () => {
    const ambiguous = historyOf(inbound(1, { matchingContactIds: ['contact-7', 'contact-9'] }));

    it('associates the chosen contact, recording the candidates chosen from', () => {
      spec
        .given(ambiguous)
        .when(choose('contact-9'))
        .then([
          {
            type: 'ContactAssociated',
            data: { contactId: 'contact-9', associatedAt: now, chosenFrom: ['contact-7', 'contact-9'] },
          },
        ]);
    });

    it('refuses a contact without the number as if it did not exist (unknown, or another portal)', () => {
      spec
        .given(ambiguous)
        .when(choose('contact-8'))
        .thenRefuses('CONTACT_NOT_FOUND', /contact-8/);
    });

    it('keeps the choice: the same contact again changes nothing, another is refused', () => {
      const chosen = historyOf(inbound(1, { matchingContactIds: ['contact-7', 'contact-9'] }), choose('contact-9'));
      spec.given(chosen).when(choose('contact-9')).thenNothingHappens();
      spec
        .given(chosen)
        .when(choose('contact-7'))
        .thenRefuses('CONTACT_ALREADY_ASSOCIATED', /contact-9/);
    });

    it('no longer asks again once chosen: a later message records no new ambiguity', () => {
      const chosen = historyOf(inbound(1, { matchingContactIds: ['contact-7', 'contact-9'] }), choose('contact-9'));
      const events = spec
        .given(chosen)
        .when(inbound(2, { matchingContactIds: ['contact-7', 'contact-9'] }))
        .events();
      expect(events.map((event) => event.type)).not.toContain('ContactMatchAmbiguous');
    });
  });

  describe('When a contact is associated', () => {
    const associated = historyOf(inbound(1, { matchingContactIds: ['contact-7'] }));

    it('does nothing for the same contact', () => {
      spec.given(associated).when(associate('contact-7')).thenNothingHappens();
    });

    it('refuses another contact', () => {
      spec
        .given(associated)
        .when(associate('contact-8'))
        .thenRefuses('CONTACT_ALREADY_ASSOCIATED', /contact-7/);
    });
  });

  describe('When the conversation has not started', () => {
    it('refuses every ticket command', () => {
      for (const next of [assign('agent-1'), close(), reopen(), associate('contact-7'), choose('contact-7')]) {
        spec.given([]).when(next).thenRefuses('CONVERSATION_NOT_FOUND');
      }
    });
  });

  describe('When the conversation belongs to another portal', () => {
    it('refuses as if it did not exist', () => {
      const foreign = { ...close(), context: { ...close().context, portalId: 'portal-2' } };
      spec
        .given(historyOf(inbound(1)))
        .when(foreign)
        .thenRefuses('CONVERSATION_NOT_FOUND');
    });
  });
});
