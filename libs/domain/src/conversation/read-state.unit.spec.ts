import { specificationFor } from '../../../../test/support/decider-specification.js';
import { HOUR, command, firstSentAt, historyOf, inbound, later } from './conversation.fixtures.js';
import {
  type MarkConversationRead,
  type OutboundFailure,
  type RecordReadReceiptAttempt,
  type RecordReadReceiptOutcome,
  conversationDecider,
} from './index.js';

const spec = specificationFor(conversationDecider);
const now = later(firstSentAt, HOUR);

const markRead = (sendReceipt = true, at = now) =>
  command<MarkConversationRead>('MarkConversationRead', { sendReceipt }, at);
const attempt = (messageId = 'in-2') =>
  command<RecordReadReceiptAttempt>('RecordReadReceiptAttempt', { messageId }, now);
const outcome = (failure: OutboundFailure | null, messageId = 'in-2', reason?: 'refused' | 'unknown') =>
  command<RecordReadReceiptOutcome>('RecordReadReceiptOutcome', { messageId, failure, ...(reason && { reason }) }, now);
const refused: OutboundFailure = { code: 100, title: 'Invalid parameter', message: 'Unknown message', httpStatus: 400 };
const twoMessages = () => historyOf(inbound(1), inbound(2, { sentAt: later(firstSentAt, 60_000) }));

describe('Read state', () => {
  describe('When an agent marks a conversation read', () => {
    it("records it up to the contact's last message and asks for Meta's read receipt for that message", () => {
      spec
        .given(twoMessages())
        .when(markRead())
        .then([
          { type: 'ConversationMarkedRead', data: { ticketId: 'ticket-1', upToMessageId: 'in-2', readAt: now } },
          { type: 'ReadReceiptRequested', data: { messageId: 'in-2', wamid: 'wamid.in-2', requestedAt: now } },
        ]);
    });

    it('asks for no receipt when the portal turned receipts to contacts off', () => {
      const events = spec.given(twoMessages()).when(markRead(false)).events();
      expect(events.map((event) => event.type)).toEqual(['ConversationMarkedRead']);
    });

    it('records nothing and sends nothing when marked read again with no new message (replay)', () => {
      spec
        .given(historyOf(inbound(1), inbound(2, { sentAt: later(firstSentAt, 60_000) }), markRead()))
        .when(markRead(true, later(now, HOUR)))
        .thenNothingHappens();
    });

    it('marks it read again, with a new receipt, once the contact wrote again', () => {
      const events = spec
        .given(historyOf(inbound(1), markRead(), inbound(2, { sentAt: later(firstSentAt, 2 * HOUR) })))
        .when(markRead(true, later(now, 2 * HOUR)))
        .events();
      expect(events.map((event) => [event.type, (event.data as { messageId?: string }).messageId])).toEqual([
        ['ConversationMarkedRead', undefined],
        ['ReadReceiptRequested', 'in-2'],
      ]);
    });

    it('refuses a conversation that has not started, and another portal’s, alike', () => {
      spec.given([]).when(markRead()).thenRefuses('CONVERSATION_NOT_FOUND');
      const foreign = { ...markRead(), context: { ...markRead().context, portalId: 'portal-2' } };
      spec.given(twoMessages()).when(foreign).thenRefuses('CONVERSATION_NOT_FOUND');
    });
  });

  describe('When the dispatcher sends the receipt (at most once)', () => {
    const requested = () => historyOf(inbound(1), inbound(2, { sentAt: later(firstSentAt, 60_000) }), markRead());

    it('records the attempt once: a second dispatcher records nothing and must not send', () => {
      spec
        .given(requested())
        .when(attempt())
        .then([{ type: 'ReadReceiptSendAttempted', data: { messageId: 'in-2', at: now } }]);
      spec
        .given(historyOf(inbound(1), inbound(2), markRead(), attempt()))
        .when(attempt())
        .thenNothingHappens();
    });

    it('records no attempt for a receipt another one superseded', () => {
      const superseded = historyOf(
        inbound(1),
        markRead(),
        inbound(2, { sentAt: later(firstSentAt, 2 * HOUR) }),
        markRead(true, later(now, 2 * HOUR)),
      );
      spec.given(superseded).when(attempt('in-1')).thenNothingHappens();
    });

    it("records Meta's answer: sent, or the failure, once", () => {
      const attempted = historyOf(inbound(1), inbound(2), markRead(), attempt());
      spec
        .given(attempted)
        .when(outcome(null))
        .then([{ type: 'ReadReceiptSent', data: { messageId: 'in-2', at: now } }]);
      spec
        .given(attempted)
        .when(outcome(refused))
        .then([
          { type: 'ReadReceiptFailed', data: { messageId: 'in-2', at: now, reason: 'refused', failure: refused } },
        ]);
      spec
        .given(attempted)
        .when(outcome(null, 'in-2', 'unknown'))
        .then([{ type: 'ReadReceiptFailed', data: { messageId: 'in-2', at: now, reason: 'unknown', failure: null } }]);
      spec
        .given(historyOf(inbound(1), inbound(2), markRead(), attempt(), outcome(null)))
        .when(outcome(refused))
        .thenNothingHappens();
    });
  });
});
