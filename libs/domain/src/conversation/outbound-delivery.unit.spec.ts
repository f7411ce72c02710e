import type { Actor } from '../core/index.js';
import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  DAY,
  HOUR,
  command,
  firstSentAt,
  historyOf,
  inbound,
  later,
  replyText,
  whatsapp,
} from './conversation.fixtures.js';
import {
  type ConversationCommand,
  type MarkOutboundDeliveryUnknown,
  type OutboundFailure,
  type RecordDeliveryStatus,
  type RecordOutboundSendAttempt,
  type RecordOutboundSendFailure,
  type RecordOutboundWamid,
  type ResendOutboundMessage,
  MAX_SEND_ATTEMPTS,
  conversationDecider,
  isRetryableFailure,
} from './index.js';

const spec = specificationFor(conversationDecider);
const dispatcher: Actor = { kind: 'system', id: 'outbound-dispatcher' };
const repliedAt = later(firstSentAt, HOUR);
const sentAt = later(repliedAt, 1000);
const answeredAt = later(sentAt, 500);

const attempt = (n: number, now = sentAt) =>
  command<RecordOutboundSendAttempt>('RecordOutboundSendAttempt', { messageId: 'out-1', attempt: n }, now, dispatcher);
const failure = (n: number, failed: OutboundFailure, retryDelayMs = 1500, now = answeredAt) =>
  command<RecordOutboundSendFailure>(
    'RecordOutboundSendFailure',
    { messageId: 'out-1', attempt: n, failure: failed, retryDelayMs },
    now,
    dispatcher,
  );
const unknown = (n: number, now = answeredAt) =>
  command<MarkOutboundDeliveryUnknown>(
    'MarkOutboundDeliveryUnknown',
    { messageId: 'out-1', attempt: n, reason: 'no answer' },
    now,
    dispatcher,
  );
const wamid = (id = 'wamid.out-1') =>
  command<RecordOutboundWamid>('RecordOutboundWamid', { messageId: 'out-1', wamid: id }, answeredAt, dispatcher);
const resend = (now = later(answeredAt, HOUR)) =>
  command<ResendOutboundMessage>('ResendOutboundMessage', { messageId: 'out-1' }, now);

const rateLimited: OutboundFailure = {
  code: 130429,
  title: 'Rate limit hit',
  message: 'Throughput reached',
  httpStatus: 400,
};
const serverError: OutboundFailure = {
  code: 131000,
  title: 'Something went wrong',
  message: 'Try again',
  httpStatus: 500,
};
const unreachable: OutboundFailure = {
  code: null,
  title: 'Connection refused',
  message: 'ECONNREFUSED',
  httpStatus: null,
};
const invalid: OutboundFailure = {
  code: 100,
  title: 'Invalid parameter',
  message: 'Parameter to is invalid',
  httpStatus: 400,
};
const outsideWindow: OutboundFailure = {
  code: 131047,
  title: 'Re-engagement message',
  message: 'More than 24 hours have passed since the recipient last replied',
  httpStatus: 400,
  fbtraceId: 'AbC',
};

const accepted = [inbound(1), replyText(1, repliedAt)];
const given = (...commands: ConversationCommand[]) => spec.given(historyOf(...accepted, ...commands));

/** Attempts 1..n, each refused with `failed` and rescheduled. */
function retried(n: number, failed: OutboundFailure = rateLimited): ConversationCommand[] {
  return Array.from({ length: n }, (_, index) => [attempt(index + 1), failure(index + 1, failed)]).flat();
}

describe('Sending a business message to Meta', () => {
  describe('When the message was accepted and never attempted', () => {
    it('records the first attempt before the call, with its time', () => {
      given()
        .when(attempt(1))
        .then([{ type: 'OutboundSendAttempted', data: { messageId: 'out-1', attempt: 1, at: sentAt } }]);
    });

    it('records nothing for any other attempt: the caller must not send', () => {
      given().when(attempt(2)).thenNothingHappens();
    });

    it('ignores an outcome for an attempt never made', () => {
      given().when(failure(1, invalid)).thenNothingHappens();
      given().when(unknown(1)).thenNothingHappens();
    });

    it('refuses a message not in the thread, or one the contact sent', () => {
      const attemptOf = (messageId: string) => ({ ...attempt(1), data: { messageId, attempt: 1 } });
      given().when(attemptOf('out-9')).thenRefuses('MESSAGE_NOT_FOUND');
      given().when(attemptOf('in-1')).thenRefuses('INVALID_COMMAND');
    });

    it('refuses a resend: it is still being sent', () => {
      given()
        .when(resend())
        .thenRefuses('INVALID_COMMAND', /still being sent/);
    });
  });

  describe('When an attempt is under way', () => {
    it('records it only once: a second dispatcher records nothing, so it does not send', () => {
      given(attempt(1))
        .when(attempt(1, later(sentAt, 5)))
        .thenNothingHappens();
    });

    it("records Meta's id, which settles the attempt", () => {
      given(attempt(1))
        .when(wamid())
        .then([{ type: 'OutboundWamidRecorded', data: { messageId: 'out-1', wamid: 'wamid.out-1' } }]);
      given(attempt(1), wamid()).when(attempt(2)).thenNothingHappens();
      given(attempt(1), wamid()).when(failure(1, rateLimited)).thenNothingHappens();
    });

    it.each([
      ['a throughput limit (130429)', rateLimited],
      ['a server error (5xx)', serverError],
      ['an unreachable API (connection refused)', unreachable],
    ])('schedules a retry after %s, at the given delay', (_, failed) => {
      given(attempt(1))
        .when(failure(1, failed, 1500))
        .then([
          {
            type: 'OutboundRetryScheduled',
            data: { ...failed, messageId: 'out-1', attempt: 1, delayMs: 1500, retryAt: later(answeredAt, 1500) },
          },
        ]);
    });

    it("keeps Meta's id of the media the attempt uploaded for the retry, when it has an id's shape", () => {
      const uploaded = (metaMediaId: string) => {
        const failed = failure(1, serverError, 1500);
        return { ...failed, data: { ...failed.data, metaMediaId } };
      };
      const scheduled = {
        ...serverError,
        messageId: 'out-1',
        attempt: 1,
        delayMs: 1500,
        retryAt: later(answeredAt, 1500),
      };
      given(attempt(1))
        .when(uploaded('1234567890'))
        .then([{ type: 'OutboundRetryScheduled', data: { ...scheduled, metaMediaId: '1234567890' } }]);
      for (const odd of ['', 'x'.repeat(129), '12 34', '../12', '<script>'])
        given(attempt(1))
          .when(uploaded(odd))
          .then([{ type: 'OutboundRetryScheduled', data: scheduled }]);
    });

    it("fails for good on any other refusal, with Meta's code and text", () => {
      given(attempt(1))
        .when(failure(1, invalid))
        .then([
          {
            type: 'OutboundMessageFailed',
            data: { ...invalid, messageId: 'out-1', attempt: 1, reason: 'refused', failedAt: answeredAt },
          },
        ]);
    });

    it('refuses a retry delay that is not a whole, non-negative number of milliseconds', () => {
      given(attempt(1))
        .when(failure(1, rateLimited, -1))
        .thenRefuses('INVALID_COMMAND');
      given(attempt(1))
        .when(failure(1, rateLimited, 1.5))
        .thenRefuses('INVALID_COMMAND');
    });

    it('marks the delivery unknown when the outcome was lost, once', () => {
      given(attempt(1))
        .when(unknown(1))
        .then([
          {
            type: 'OutboundDeliveryUnknown',
            data: { messageId: 'out-1', attempt: 1, reason: 'no answer', at: answeredAt },
          },
        ]);
      given(attempt(1), unknown(1)).when(unknown(1)).thenNothingHappens();
    });
  });

  describe('When Meta answers that the 24-hour window is closed (131047)', () => {
    it('fails the message and closes the open session, so agents send a template', () => {
      given(attempt(1))
        .when(failure(1, outsideWindow))
        .then([
          {
            type: 'OutboundMessageFailed',
            data: { ...outsideWindow, messageId: 'out-1', attempt: 1, reason: 'outside_window', failedAt: answeredAt },
          },
          { type: 'SessionClosed', data: { sessionId: 'session-1', closedAt: answeredAt, reason: 'outside_window' } },
        ]);
    });

    it('keeps the session open when the contact wrote after the attempt', () => {
      const events = given(attempt(1), inbound(2, { sentAt: later(sentAt, 200) }))
        .when(failure(1, outsideWindow))
        .events();
      expect(events.map((event) => event.type)).toEqual(['OutboundMessageFailed']);
    });

    it('closes a session already past its expiry at the expiry, as the expiry would', () => {
      const expiresAt = later(firstSentAt, DAY);
      const [, closed] = given(attempt(1))
        .when(failure(1, outsideWindow, 0, later(expiresAt, HOUR)))
        .events();
      expect(closed).toEqual({ type: 'SessionClosed', data: { sessionId: 'session-1', closedAt: expiresAt } });
    });

    it('the retry policy calls it final', () => {
      expect(isRetryableFailure(outsideWindow)).toBe(false);
    });
  });

  describe('When a retry is scheduled', () => {
    it('records the next attempt only', () => {
      given(...retried(1))
        .when(attempt(2))
        .then([{ type: 'OutboundSendAttempted', data: { messageId: 'out-1', attempt: 2, at: sentAt } }]);
      given(...retried(1))
        .when(attempt(1))
        .thenNothingHappens();
      given(...retried(1))
        .when(attempt(3))
        .thenNothingHappens();
    });

    it(`fails once ${MAX_SEND_ATTEMPTS} attempts were refused, with the last error`, () => {
      const last = MAX_SEND_ATTEMPTS;
      given(...retried(last - 1), attempt(last))
        .when(failure(last, serverError))
        .then([
          {
            type: 'OutboundMessageFailed',
            data: {
              ...serverError,
              messageId: 'out-1',
              attempt: last,
              reason: 'attempts_exhausted',
              failedAt: answeredAt,
            },
          },
        ]);
    });
  });

  describe('When the delivery is unknown', () => {
    const lost = [attempt(1), unknown(1)];

    it('is never attempted again by the dispatcher', () => {
      given(...lost)
        .when(attempt(1))
        .thenNothingHappens();
      given(...lost)
        .when(attempt(2))
        .thenNothingHappens();
    });

    it('is settled by a late answer to the same attempt', () => {
      given(...lost)
        .when(wamid())
        .then([{ type: 'OutboundWamidRecorded', data: { messageId: 'out-1', wamid: 'wamid.out-1' } }]);
      const [retry] = given(...lost)
        .when(failure(1, rateLimited))
        .events();
      expect(retry.type).toBe('OutboundRetryScheduled');
    });

    it("is reconciled by a status webhook carrying our id (biz_opaque_callback_data), which gives back Meta's id", () => {
      const status = command<RecordDeliveryStatus>(
        'RecordDeliveryStatus',
        { messageId: 'out-1', wamid: 'wamid.out-1', status: 'delivered', at: later(answeredAt, 2000) },
        later(answeredAt, 3000),
        whatsapp,
      );
      given(...lost)
        .when(status)
        .then([
          { type: 'OutboundWamidRecorded', data: { messageId: 'out-1', wamid: 'wamid.out-1' } },
          {
            type: 'DeliveryStatusRecorded',
            data: { messageId: 'out-1', status: 'delivered', at: later(answeredAt, 2000) },
          },
        ]);
      given(...lost, status)
        .when(resend())
        .thenRefuses('INVALID_COMMAND', /taken by WhatsApp/);
    });

    it('is sent again only when an agent asks, as the next attempt', () => {
      const requestedAt = later(answeredAt, HOUR);
      given(...lost)
        .when(resend(requestedAt))
        .then([{ type: 'OutboundResendRequested', data: { messageId: 'out-1', requestedAt } }]);
      given(...lost, resend(requestedAt))
        .when(attempt(2))
        .then([{ type: 'OutboundSendAttempted', data: { messageId: 'out-1', attempt: 2, at: sentAt } }]);
    });
  });

  describe('When the message failed', () => {
    it('can be sent again at an agent’s request', () => {
      const [event] = given(attempt(1), failure(1, invalid)).when(resend()).events();
      expect(event.type).toBe('OutboundResendRequested');
    });

    it('ignores any later outcome of the settled attempt', () => {
      given(attempt(1), failure(1, invalid)).when(unknown(1)).thenNothingHappens();
      given(attempt(1), failure(1, invalid)).when(failure(1, rateLimited)).thenNothingHappens();
    });
  });
});
