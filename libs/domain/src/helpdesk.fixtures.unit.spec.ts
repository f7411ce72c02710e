import {
  HOUR,
  HelpdeskHistory,
  conversationOf,
  helpdesk,
  inboundMessage,
  later,
  metaSays,
} from './helpdesk.fixtures.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const types = (facts: readonly { event: { type: string } }[]) => facts.map((fact) => fact.event.type);

/** The history builder only runs the deciders: what it records is what they decide. */
describe('HelpdeskHistory', () => {
  it('sets up a registered portal with one connected number and one approved template', () => {
    const { setup } = HelpdeskHistory.standard({ connectedAt });
    expect(types(setup)).toEqual([
      'PortalRegistered',
      'AccountConnected',
      'PhoneNumberAdded',
      'TemplateRegistered',
      'TemplateApproved',
    ]);
    expect(new Set(setup.map((fact) => fact.context.portalId))).toEqual(new Set([helpdesk.portalId]));
  });

  it("routes a contact's message to its conversation, then decides replies and ticket moves on what was recorded", () => {
    const { history } = HelpdeskHistory.standard({ connectedAt });
    const received = history.at(later(connectedAt, HOUR)).receive(inboundMessage('wamid.1', later(connectedAt, HOUR)));
    expect(types(received)).toEqual(['ConversationStarted', 'TicketOpened', 'InboundMessageReceived', 'SessionOpened']);
    expect(new Set(received.map((fact) => fact.stream))).toEqual(new Set([`conversation-${conversationOf()}`]));

    const replied = history.reply(conversationOf(), { kind: 'text', body: 'On it' }, { messageId: 'reply-a' });
    expect(types(replied)).toContain('ReplyAccepted');
    expect(
      types(history.dispatch(conversationOf(), 'reply-a', [metaSays.throttled(), metaSays.accepted('wamid.out')])),
    ).toEqual(['OutboundSendAttempted', 'OutboundRetryScheduled', 'OutboundSendAttempted', 'OutboundWamidRecorded']);
    expect(types(history.assign(conversationOf(), 'agent-7'))).toEqual(['TicketAssigned']);
    expect(() => history.reopen(conversationOf())).toThrow();
  });

  it('reserves a business-initiated conversation for a template outside any session, and gives it back when the send is not recorded', () => {
    const { history } = HelpdeskHistory.standard({ connectedAt });
    history.at(later(connectedAt, HOUR)).receive(inboundMessage('wamid.1', later(connectedAt, HOUR)));
    const request = { ...helpdesk.template, parameters: { body: ['Ana', '#1'] } };
    const notRecorded = history
      .at(later(connectedAt, 30 * HOUR))
      .sendTemplate(conversationOf(), request, { notRecorded: true });
    expect(types(notRecorded)).toEqual([
      'ConversationCounted',
      'BusinessInitiatedCounted',
      'BusinessInitiatedReleased',
      'ConversationReleased',
    ]);
    expect(types(history.sendTemplate(conversationOf(), request)).slice(-1)).toEqual(['TemplateMessageAccepted']);
  });
});
