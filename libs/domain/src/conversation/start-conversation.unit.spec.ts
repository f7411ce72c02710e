import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  DAY,
  HOUR,
  RULE_VERSION,
  businessPhone,
  command,
  contactPhone,
  conversationId,
  firstSentAt,
  historyOf,
  inbound,
  later,
  phoneNumberId,
} from './conversation.fixtures.js';
import { type CloseTicket, type StartConversation, conversationDecider } from './index.js';

const spec = specificationFor(conversationDecider);
const now = later(firstSentAt, 3 * DAY);
const welcome = {
  name: 'welcome_back',
  language: 'en_US',
  renderedText: 'Hi Ana, we are back',
  parameters: { body: ['Ana'] },
};

function start(overrides: Partial<StartConversation['data']> = {}, at = now): StartConversation {
  return command<StartConversation>(
    'StartConversation',
    {
      phoneNumberId,
      businessPhone,
      contactPhone,
      contactId: 'contact-1',
      ticketId: 'ticket-new',
      messageId: 'tpl-start',
      template: welcome,
      ruleVersion: RULE_VERSION,
      businessInitiated: true,
      ...overrides,
    },
    at,
  );
}

const close = (ticketId: string, at: string) => command<CloseTicket>('CloseTicket', { ticketId }, at);

const templateAccepted = (ticketId: string) => ({
  type: 'TemplateMessageAccepted' as const,
  data: {
    messageId: 'tpl-start',
    ticketId,
    templateName: 'welcome_back',
    language: 'en_US',
    renderedText: 'Hi Ana, we are back',
    parameters: { body: ['Ana'] },
    conversationKind: 'business_initiated' as const,
    sessionId: null,
    acceptedAt: now,
    ruleVersion: RULE_VERSION,
  },
});

describe('Starting a conversation from a contact record', () => {
  it('starts the conversation, opens its ticket, associates the contact and records the template as business-initiated', () => {
    spec
      .given([])
      .when(start())
      .then([
        {
          type: 'ConversationStarted',
          data: {
            conversationId,
            portalId: 'portal-1',
            phoneNumberId,
            contactWaId: '33612345678',
            businessPhone,
            contactPhone,
            startedAt: now,
          },
        },
        { type: 'TicketOpened', data: { ticketId: 'ticket-new', openedAt: now } },
        { type: 'ContactAssociated', data: { contactId: 'contact-1', associatedAt: now } },
        templateAccepted('ticket-new'),
      ]);
  });

  it('associates no contact when started from a number alone', () => {
    const events = spec
      .given([])
      .when(start({ contactId: null }))
      .events();
    expect(events.map((event) => event.type)).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'TemplateMessageAccepted',
    ]);
  });

  it('answers with the open thread instead of opening a second one, saying whether its session is open', () => {
    const inSession = later(firstSentAt, HOUR);
    const refusal = spec
      .given(historyOf(inbound(1)))
      .when(start({}, inSession))
      .thenRefuses('CONVERSATION_EXISTS', /free-form reply is allowed/);
    expect(refusal.details).toEqual({ conversationId, ticketId: 'ticket-1', sessionOpen: true });
    const afterSession = spec
      .given(historyOf(inbound(1)))
      .when(start())
      .thenRefuses('CONVERSATION_EXISTS');
    expect(afterSession.details).toMatchObject({ conversationId, sessionOpen: false });
  });

  it('opens a new ticket on a thread whose ticket was closed, without starting the conversation again', () => {
    const events = spec
      .given(historyOf(inbound(1), close('ticket-1', later(firstSentAt, 2 * HOUR))))
      .when(start())
      .events();
    expect(events).toEqual([
      { type: 'TicketOpened', data: { ticketId: 'ticket-new', openedAt: now } },
      { type: 'ContactAssociated', data: { contactId: 'contact-1', associatedAt: now } },
      templateAccepted('ticket-new'),
    ]);
  });

  it("refuses a business-initiated template while the closed ticket's session is still open: the quota is settled again", () => {
    const inSession = later(firstSentAt, 3 * HOUR);
    spec
      .given(historyOf(inbound(1), close('ticket-1', later(firstSentAt, 2 * HOUR))))
      .when(start({}, inSession))
      .thenRefuses('SESSION_STATE_CHANGED');
  });

  it('does nothing for a request already recorded (a retry)', () => {
    spec.given(historyOf(start())).when(start()).thenNothingHappens();
  });

  it.each([
    ['a contact number that is not E.164', { contactPhone: '0612345678' }, 'INVALID_PHONE_NUMBER'],
    ['a business number that is not E.164', { businessPhone: 'call me' }, 'INVALID_PHONE_NUMBER'],
    ['a blank template name', { template: { ...welcome, name: ' ' } }, 'INVALID_COMMAND'],
  ] as const)('refuses %s', (_case, overrides, code) => {
    spec.given([]).when(start(overrides)).thenRefuses(code);
  });
});
