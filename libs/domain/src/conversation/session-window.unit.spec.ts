import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  DAY,
  HOUR,
  RULE_VERSION,
  command,
  firstSentAt,
  historyOf,
  inbound,
  later,
  replyText,
  system,
  template,
} from './conversation.fixtures.js';
import { type CloseExpiredSession, conversationDecider } from './index.js';

const spec = specificationFor(conversationDecider);
const expiresAt = later(firstSentAt, DAY);

function closeExpired(sessionId: string, now: string): CloseExpiredSession {
  return command('CloseExpiredSession', { sessionId }, now, system);
}

describe('The 24-hour session window', () => {
  describe('When the session is open', () => {
    const history = historyOf(inbound(1));

    it('does not close it 1 ms before its expiry', () => {
      spec
        .given(history)
        .when(closeExpired('session-1', later(expiresAt, -1)))
        .thenNothingHappens();
    });

    it('accepts a free-form reply 1 ms before the expiry, counted as the quota said', () => {
      const now = later(expiresAt, -1);
      const reply = replyText(1, now, { countedAs: 'user_initiated_session', ruleVersion: 'conversations/2023-06-01' });
      spec
        .given(history)
        .when(reply)
        .then([
          {
            type: 'ReplyAccepted',
            data: {
              messageId: 'out-1',
              ticketId: 'ticket-1',
              sessionId: 'session-1',
              content: { kind: 'text', body: 'Reply 1' },
              acceptedAt: now,
              countedAs: 'user_initiated_session',
              ruleVersion: 'conversations/2023-06-01',
            },
          },
        ]);
    });

    it('accepts a reply only once per message id (a retried request)', () => {
      const now = later(firstSentAt, HOUR);
      spec
        .given(historyOf(inbound(1), replyText(1, now)))
        .when(replyText(1, now))
        .thenNothingHappens();
    });

    it('accepts supported media and refuses the rest before anything is sent', () => {
      const now = later(firstSentAt, HOUR);
      const photo = { kind: 'image' as const, mimeType: 'image/png', sizeBytes: 2048, mediaId: 'media-1' };
      expect(
        spec
          .given(history)
          .when(replyText(1, now, { content: photo }))
          .events(),
      ).toHaveLength(1);
      const gif = { ...photo, mimeType: 'image/gif' };
      spec
        .given(history)
        .when(replyText(1, now, { content: gif }))
        .thenRefuses('UNSUPPORTED_MEDIA_TYPE', /JPEG or PNG/);
      const tooLarge = { ...photo, sizeBytes: 5 * 1024 * 1024 + 1 };
      spec
        .given(history)
        .when(replyText(1, now, { content: tooLarge }))
        .thenRefuses('MEDIA_TOO_LARGE', /5242880 bytes \(5 MB\)/);
    });

    it('accepts an uploaded document with its caption and file name, recording the upload reference', () => {
      const now = later(firstSentAt, HOUR);
      const upload = { uploadId: 'up-1', storageKey: 'uploads/p/up-1', sha256: 'a'.repeat(64) };
      const invoice = {
        kind: 'document' as const,
        mimeType: 'application/pdf',
        sizeBytes: 40_000,
        upload,
        caption: 'Your invoice',
        filename: 'invoice.pdf',
      };
      const events = spec
        .given(history)
        .when(replyText(1, now, { content: invoice }))
        .events();
      expect(events).toEqual([expect.objectContaining({ type: 'ReplyAccepted' })]);
      expect((events[0].data as { content: unknown }).content).toEqual(invoice);
    });

    it('refuses an uploaded media once the session closed, like any reply', () => {
      const upload = { uploadId: 'up-1', storageKey: 'uploads/p/up-1', sha256: 'a'.repeat(64) };
      const photo = { kind: 'image' as const, mimeType: 'image/png', sizeBytes: 2048, upload };
      spec
        .given(history)
        .when(replyText(1, later(firstSentAt, DAY), { content: photo }))
        .thenRefuses('SESSION_CLOSED', /template/);
    });

    it.each([
      ['empty', '  ', /must not be empty/],
      ['too long', 'x'.repeat(4097), /4096/],
    ])('refuses an %s text', (_, body, message) => {
      const reply = replyText(1, later(firstSentAt, HOUR), { content: { kind: 'text', body } });
      spec.given(history).when(reply).thenRefuses('INVALID_COMMAND', message);
    });

    it('refuses a reply counted under a session that is no longer the open one', () => {
      const reply = replyText(1, later(firstSentAt, HOUR), { sessionId: 'session-0' });
      spec.given(history).when(reply).thenRefuses('SESSION_STATE_CHANGED');
    });

    it('records a template as sent within the session', () => {
      const now = later(firstSentAt, HOUR);
      const [event] = spec
        .given(history)
        .when(template(1, now, { businessInitiated: false, sessionId: 'session-1' }))
        .events();
      expect(event).toEqual({
        type: 'TemplateMessageAccepted',
        data: {
          messageId: 'tpl-1',
          ticketId: 'ticket-1',
          templateName: 'welcome_back',
          language: 'en_US',
          renderedText: 'Hi Ana, we are back',
          parameters: { body: ['Ana'] },
          conversationKind: 'within_session',
          sessionId: 'session-1',
          acceptedAt: now,
          ruleVersion: RULE_VERSION,
        },
      });
    });

    it('refuses a template reserved as business-initiated: the session opened meanwhile', () => {
      spec
        .given(history)
        .when(template(1, later(firstSentAt, HOUR)))
        .thenRefuses('SESSION_STATE_CHANGED', /opened meanwhile/);
    });

    it('refuses a command from another portal, as if the conversation did not exist', () => {
      const reply = { ...replyText(1, later(firstSentAt, HOUR)) };
      spec
        .given(history)
        .when({ ...reply, context: { ...reply.context, portalId: 'portal-2' } })
        .thenRefuses('CONVERSATION_NOT_FOUND');
    });
  });

  describe('When the session reached its expiry', () => {
    const history = historyOf(inbound(1));

    it('closes it exactly at 24 hours after the last message, recorded at the expiry', () => {
      spec
        .given(history)
        .when(closeExpired('session-1', expiresAt))
        .then([{ type: 'SessionClosed', data: { sessionId: 'session-1', closedAt: expiresAt } }]);
    });

    it('records the expiry as the close time even when closing late', () => {
      spec
        .given(history)
        .when(closeExpired('session-1', later(expiresAt, 5 * HOUR)))
        .then([{ type: 'SessionClosed', data: { sessionId: 'session-1', closedAt: expiresAt } }]);
    });

    it('refuses a free-form reply at exactly 24 hours and points to templates', () => {
      spec
        .given(history)
        .when(replyText(1, expiresAt))
        .thenRefuses('SESSION_CLOSED', /approved template/);
    });

    it('accepts a template as a business-initiated conversation', () => {
      const [event] = spec.given(history).when(template(1, expiresAt)).events();
      expect(event.data).toMatchObject({
        conversationKind: 'business_initiated',
        sessionId: null,
        ruleVersion: RULE_VERSION,
      });
    });

    it('refuses a template that was not reserved as business-initiated: the session closed meanwhile', () => {
      spec
        .given(history)
        .when(template(1, expiresAt, { businessInitiated: false, sessionId: 'session-1' }))
        .thenRefuses('SESSION_STATE_CHANGED', /closed meanwhile/);
    });
  });

  describe('When the session was restarted by a later message', () => {
    it('does not close it at the first expiry', () => {
      const history = historyOf(inbound(1), inbound(2, { sentAt: later(firstSentAt, 10 * HOUR) }));
      spec.given(history).when(closeExpired('session-1', expiresAt)).thenNothingHappens();
    });
  });

  describe('When the session is closed', () => {
    const closed = historyOf(inbound(1), closeExpired('session-1', expiresAt));

    it('closes it only once', () => {
      spec
        .given(closed)
        .when(closeExpired('session-1', later(expiresAt, HOUR)))
        .thenNothingHappens();
    });

    it('refuses a free-form reply', () => {
      spec
        .given(closed)
        .when(replyText(1, later(expiresAt, HOUR)))
        .thenRefuses('SESSION_CLOSED', /template/);
    });

    it('accepts free-form replies again once the contact answers a template', () => {
      const answered = historyOf(
        inbound(1),
        closeExpired('session-1', expiresAt),
        template(1, later(expiresAt, HOUR)),
        inbound(2, { sentAt: later(expiresAt, 2 * HOUR) }),
      );
      const events = spec
        .given(answered)
        .when(replyText(1, later(expiresAt, 3 * HOUR), { sessionId: 'session-2' }))
        .events();
      expect(events).toEqual([expect.objectContaining({ type: 'ReplyAccepted' })]);
      expect(events[0].data).toMatchObject({ sessionId: 'session-2' });
    });
  });

  describe('When there is no such session or conversation', () => {
    it('ignores closing an unknown session', () => {
      spec
        .given(historyOf(inbound(1)))
        .when(closeExpired('session-x', later(expiresAt, HOUR)))
        .thenNothingHappens();
    });

    it('ignores closing a session of a conversation that never started', () => {
      spec.given([]).when(closeExpired('session-1', expiresAt)).thenNothingHappens();
    });

    it('refuses a reply or a template to a conversation that never started', () => {
      spec.given([]).when(replyText(1, firstSentAt)).thenRefuses('CONVERSATION_NOT_FOUND');
      spec.given([]).when(template(1, firstSentAt)).thenRefuses('CONVERSATION_NOT_FOUND');
    });
  });
});
