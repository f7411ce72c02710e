import { fold } from '../core/index.js';
import { specificationFor } from '../../../../test/support/decider-specification.js';
import { HOUR, command, firstSentAt, historyOf, inbound, later } from './conversation.fixtures.js';
import {
  type QuarantineMessage,
  type RevealQuarantinedMessage,
  conversationDecider,
  evolveConversation,
  initialConversationState,
} from './index.js';

const spec = specificationFor(conversationDecider);
const now = later(firstSentAt, HOUR);
const auditor = { kind: 'user' as const, id: 'auditor-1' };

const quarantine = (messageId: string, reason = 'phishing link') =>
  command<QuarantineMessage>('QuarantineMessage', { messageId, reason }, now, { kind: 'system', id: 'content-policy' });
const reveal = (messageId: string, reason = 'fraud investigation #42') =>
  command<RevealQuarantinedMessage>('RevealQuarantinedMessage', { messageId, reason }, now, auditor);

describe('Quarantined messages', () => {
  describe('When the message is in the thread', () => {
    const history = historyOf(inbound(1), inbound(2, { sentAt: later(firstSentAt, 60_000) }));

    it('quarantines it', () => {
      spec
        .given(history)
        .when(quarantine('in-1'))
        .then([
          { type: 'MessageQuarantined', data: { messageId: 'in-1', reason: 'phishing link', quarantinedAt: now } },
        ]);
    });

    it('keeps its place in the thread', () => {
      const state = fold(
        evolveConversation,
        initialConversationState,
        historyOf(inbound(1), inbound(2), quarantine('in-1')),
      );
      expect(state.status === 'Started' && [...state.messages.keys()]).toEqual(['in-1', 'in-2']);
    });

    it('refuses to reveal a message that is not quarantined', () => {
      spec.given(history).when(reveal('in-1')).thenRefuses('MESSAGE_NOT_QUARANTINED');
    });

    it('refuses a quarantine without a reason', () => {
      spec.given(history).when(quarantine('in-1', ' ')).thenRefuses('INVALID_COMMAND');
    });
  });

  describe('When the message is quarantined', () => {
    const quarantined = historyOf(inbound(1), quarantine('in-1'));

    it('does nothing when quarantined again', () => {
      spec.given(quarantined).when(quarantine('in-1')).thenNothingHappens();
    });

    it('records every reveal by an auditor, with the reason', () => {
      const once = spec.given(quarantined).when(reveal('in-1')).events();
      expect(once).toEqual([
        {
          type: 'QuarantinedContentRevealed',
          data: { messageId: 'in-1', reason: 'fraud investigation #42', revealedAt: now },
        },
      ]);
      expect(
        spec
          .given([...quarantined, ...once])
          .when(reveal('in-1'))
          .events(),
      ).toHaveLength(1);
    });

    it('refuses a reveal without a reason', () => {
      spec.given(quarantined).when(reveal('in-1', '')).thenRefuses('INVALID_COMMAND');
    });
  });

  describe('When the message is unknown', () => {
    it('refuses to quarantine or reveal it', () => {
      const history = historyOf(inbound(1));
      spec.given(history).when(quarantine('in-9')).thenRefuses('MESSAGE_NOT_FOUND');
      spec.given(history).when(reveal('in-9')).thenRefuses('MESSAGE_NOT_FOUND');
    });
  });
});
