import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  DAY,
  businessPhone,
  channelConnectedAt,
  command,
  contactPhone,
  conversationId,
  firstSentAt,
  historyOf,
  inbound,
  later,
  phoneNumberId,
  portalId,
} from './conversation.fixtures.js';
import { type CloseTicket, type ConversationEvent, type UnsupportedKind, conversationDecider } from './index.js';

const spec = specificationFor(conversationDecider);
const receivedAt = later(firstSentAt, 2000);
const types = (events: ConversationEvent[]) => events.map((event) => event.type);

describe('Receiving a message from the contact', () => {
  describe('When the conversation has not started', () => {
    it('starts it, opens a ticket, adds the message to the thread and opens a 24-hour session', () => {
      spec
        .given([])
        .when(inbound(1))
        .then([
          {
            type: 'ConversationStarted',
            data: {
              conversationId,
              portalId,
              phoneNumberId,
              contactWaId: '33612345678',
              businessPhone,
              contactPhone,
              startedAt: receivedAt,
            },
          },
          { type: 'TicketOpened', data: { ticketId: 'ticket-1', openedAt: receivedAt } },
          {
            type: 'InboundMessageReceived',
            data: {
              messageId: 'in-1',
              wamid: 'wamid.in-1',
              ticketId: 'ticket-1',
              from: contactPhone,
              to: businessPhone,
              sentAt: firstSentAt,
              receivedAt,
              content: { kind: 'text', body: 'Hello 1' },
            },
          },
          {
            type: 'SessionOpened',
            data: { sessionId: 'session-1', openedAt: firstSentAt, expiresAt: later(firstSentAt, DAY) },
          },
        ]);
    });

    it('associates the one contact whose number matches', () => {
      const events = spec
        .given([])
        .when(inbound(1, { matchingContactIds: ['contact-7'] }))
        .events();
      expect(events.at(-1)).toEqual({
        type: 'ContactAssociated',
        data: { contactId: 'contact-7', associatedAt: receivedAt },
      });
    });

    it('associates no one when several contacts match, and records the candidates for an agent to choose', () => {
      const events = spec
        .given([])
        .when(inbound(1, { matchingContactIds: ['contact-9', 'contact-7'] }))
        .events();
      expect(types(events)).not.toContain('ContactAssociated');
      expect(events.at(-1)).toEqual({
        type: 'ContactMatchAmbiguous',
        data: { candidateContactIds: ['contact-7', 'contact-9'] },
      });
    });

    it('imports a message sent exactly when the channel was connected', () => {
      const events = spec
        .given([])
        .when(inbound(1, { sentAt: channelConnectedAt }))
        .events();
      expect(types(events)).toContain('InboundMessageReceived');
    });

    it('never imports a message stamped in a second before the connection', () => {
      spec
        .given([])
        .when(inbound(1, { sentAt: later(channelConnectedAt, -1000) }))
        .thenRefuses('MESSAGE_PREDATES_CONNECTION', /before its number was connected/);
    });

    describe("at Meta's precision (whole seconds)", () => {
      const connectedAt = '2025-03-01T12:00:00.700Z';
      const at = (sentAt: string) => inbound(1, { sentAt, numberConnectedAt: connectedAt });

      it('imports a message stamped in the very second of the connection, though 700 ms "earlier"', () => {
        expect(types(spec.given([]).when(at('2025-03-01T12:00:00.000Z')).events())).toContain('InboundMessageReceived');
      });

      it('refuses one stamped in the second before', () => {
        spec.given([]).when(at('2025-03-01T11:59:59.000Z')).thenRefuses('MESSAGE_PREDATES_CONNECTION');
      });
    });

    it.each<UnsupportedKind>([
      'reaction',
      'reaction_removed',
      'deleted',
      'edited',
      'unsupported_attachment',
      'unsupported_type',
      'system',
      'unknown',
    ])('keeps an unsupported %s as a placeholder, which opens the ticket and the session too', (unsupportedKind) => {
      const content = { kind: 'unsupported' as const, unsupportedKind, detail: 'Meta error 131051' };
      const events = spec.given([]).when(inbound(1, { content })).events();
      expect(types(events)).toEqual([
        'ConversationStarted',
        'TicketOpened',
        'UnsupportedMessageReceived',
        'SessionOpened',
      ]);
      expect(events[2].data).toMatchObject({ messageId: 'in-1', unsupportedKind, detail: 'Meta error 131051' });
    });

    it('refuses a sender that is not an E.164 number', () => {
      spec
        .given([])
        .when(inbound(1, { from: '0612345678' }))
        .thenRefuses('INVALID_PHONE_NUMBER');
    });

    it('refuses a sent time that is not a date', () => {
      spec
        .given([])
        .when(inbound(1, { sentAt: 'yesterday', now: firstSentAt }))
        .thenRefuses('INVALID_DATE', /sentAt/);
    });
  });

  describe('When a ticket is open', () => {
    const history = historyOf(inbound(1));

    it('joins the open ticket and restarts the 24 hours from the new message', () => {
      const sentAt = later(firstSentAt, 3 * 3600_000);
      spec
        .given(history)
        .when(inbound(2, { sentAt }))
        .then([
          {
            type: 'InboundMessageReceived',
            data: {
              messageId: 'in-2',
              wamid: 'wamid.in-2',
              ticketId: 'ticket-1',
              from: contactPhone,
              to: businessPhone,
              sentAt,
              receivedAt: later(sentAt, 2000),
              content: { kind: 'text', body: 'Hello 2' },
            },
          },
          { type: 'SessionExtended', data: { sessionId: 'session-1', expiresAt: later(sentAt, DAY) } },
        ]);
    });

    it('ignores the same wamid delivered again by Meta', () => {
      spec
        .given(history)
        .when(inbound(2, { wamid: 'wamid.in-1', now: later(firstSentAt, 60_000) }))
        .thenNothingHappens();
    });

    it('adds a late message sent before the last one without moving the expiry back', () => {
      const events = spec
        .given(history)
        .when(inbound(2, { sentAt: later(firstSentAt, -60_000) }))
        .events();
      expect(types(events)).toEqual(['InboundMessageReceived']);
    });

    it('extends a session with a message sent 1 ms before it expires', () => {
      const sentAt = later(firstSentAt, DAY - 1);
      const events = spec.given(history).when(inbound(2, { sentAt })).events();
      expect(events.at(-1)).toEqual({
        type: 'SessionExtended',
        data: { sessionId: 'session-1', expiresAt: later(sentAt, DAY) },
      });
    });

    it('records an ambiguous contact match once, not on every message', () => {
      const ambiguous = historyOf(inbound(1, { matchingContactIds: ['contact-7', 'contact-9'] }));
      const again = inbound(2, { matchingContactIds: ['contact-9', 'contact-7'] });
      expect(types(spec.given(ambiguous).when(again).events())).toEqual(['InboundMessageReceived']);
    });

    it('keeps the associated contact', () => {
      const associated = historyOf(inbound(1, { matchingContactIds: ['contact-7'] }));
      const events = spec
        .given(associated)
        .when(inbound(2, { matchingContactIds: ['contact-8'] }))
        .events();
      expect(types(events)).not.toContain('ContactAssociated');
    });

    it('refuses a message routed from another portal, as if the conversation did not exist', () => {
      spec
        .given(history)
        .when(inbound(2, { portal: 'portal-2' }))
        .thenRefuses('CONVERSATION_NOT_FOUND');
    });
  });

  describe('When the ticket is closed', () => {
    it('opens a new ticket in the same thread', () => {
      const closed = historyOf(
        inbound(1),
        command<CloseTicket>('CloseTicket', { ticketId: 'ticket-1' }, later(firstSentAt, 3600_000)),
      );
      const sentAt = later(firstSentAt, 2 * 3600_000);
      const events = spec.given(closed).when(inbound(2, { sentAt })).events();
      expect(types(events)).toEqual(['TicketOpened', 'InboundMessageReceived', 'SessionExtended']);
      expect(events[0].data).toEqual({ ticketId: 'ticket-2', openedAt: later(sentAt, 2000) });
      expect(events[1].data).toMatchObject({ messageId: 'in-2', ticketId: 'ticket-2' });
    });
  });

  describe('When the session expired but its close was not recorded yet', () => {
    const history = historyOf(inbound(1));

    it('closes it at its expiry, then opens a new session, for a message sent exactly 24 hours later', () => {
      const sentAt = later(firstSentAt, DAY);
      const events = spec.given(history).when(inbound(2, { sentAt })).events();
      expect(events).toEqual([
        expect.objectContaining({ type: 'InboundMessageReceived' }),
        { type: 'SessionClosed', data: { sessionId: 'session-1', closedAt: sentAt } },
        { type: 'SessionOpened', data: { sessionId: 'session-2', openedAt: sentAt, expiresAt: later(sentAt, DAY) } },
      ]);
    });
  });

  describe('When the session is closed', () => {
    it('opens a new session: the contact answering a template opens a new 24-hour window', () => {
      const closed = historyOf(
        inbound(1),
        command('CloseExpiredSession', { sessionId: 'session-1' }, later(firstSentAt, DAY)),
      );
      const sentAt = later(firstSentAt, 3 * DAY);
      const events = spec.given(closed).when(inbound(2, { sentAt })).events();
      expect(events.at(-1)).toEqual({
        type: 'SessionOpened',
        data: { sessionId: 'session-2', openedAt: sentAt, expiresAt: later(sentAt, DAY) },
      });
      expect(types(events)).not.toContain('SessionClosed');
    });
  });
});
