import { specificationFor } from '../../../../test/support/decider-specification.js';
import { HOUR, command, firstSentAt, historyOf, inbound, later, replyText, whatsapp } from './conversation.fixtures.js';
import {
  type ConversationEvent,
  type DeliveryStatus,
  type RecordDeliveryStatus,
  type RecordOutboundWamid,
  conversationDecider,
  isDeliveryProgress,
} from './index.js';

const spec = specificationFor(conversationDecider);
const repliedAt = later(firstSentAt, HOUR);
const replied = historyOf(inbound(1), replyText(1, repliedAt));

function recordWamid(messageId: string, wamid: string): RecordOutboundWamid {
  return command('RecordOutboundWamid', { messageId, wamid }, repliedAt, { kind: 'system', id: 'dispatcher' });
}

function statusOf(
  status: DeliveryStatus,
  ref: { wamid: string } | { messageId: string } = { wamid: 'wamid.out-1' },
  at = later(repliedAt, 60_000),
) {
  return command<RecordDeliveryStatus>('RecordDeliveryStatus', { ...ref, status, at }, later(at, 1000), whatsapp);
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

const recordedStatuses = (events: ConversationEvent[]) =>
  events.flatMap((event) => (event.type === 'DeliveryStatusRecorded' ? [event.data.status] : []));
/** Every status whose time Meta reported, in order or late. */
const timesKept = (events: ConversationEvent[]) =>
  events.flatMap((event) =>
    event.type === 'DeliveryStatusRecorded' || event.type === 'DeliveryTimeRecorded'
      ? [`${event.data.status}@${event.data.at}`]
      : [],
  );

describe('Delivery statuses of messages sent by the business', () => {
  describe('When the message has no WhatsApp id yet', () => {
    it("records Meta's id", () => {
      spec
        .given(replied)
        .when(recordWamid('out-1', 'wamid.out-1'))
        .then([{ type: 'OutboundWamidRecorded', data: { messageId: 'out-1', wamid: 'wamid.out-1' } }]);
    });

    it('finds the message by our id when Meta echoes it back', () => {
      const [event] = spec
        .given(replied)
        .when(statusOf('sent', { messageId: 'out-1' }))
        .events();
      expect(event.data).toMatchObject({ messageId: 'out-1', status: 'sent' });
    });

    it('cannot find it by a WhatsApp id yet', () => {
      spec.given(replied).when(statusOf('delivered')).thenRefuses('MESSAGE_NOT_FOUND');
    });

    it('refuses a WhatsApp id for a message not in the thread, or received from the contact', () => {
      spec.given(replied).when(recordWamid('out-9', 'wamid.out-9')).thenRefuses('MESSAGE_NOT_FOUND');
      spec.given(replied).when(recordWamid('in-1', 'wamid.x')).thenRefuses('INVALID_COMMAND');
    });
  });

  describe('When the message has its WhatsApp id', () => {
    const sent = historyOf(inbound(1), replyText(1, repliedAt), recordWamid('out-1', 'wamid.out-1'));

    it('ignores the same id recorded again and refuses a different one', () => {
      spec.given(sent).when(recordWamid('out-1', 'wamid.out-1')).thenNothingHappens();
      spec
        .given(sent)
        .when(recordWamid('out-1', 'wamid.other'))
        .thenRefuses('INVALID_COMMAND', /already has/);
    });

    it('records a status with its time and error', () => {
      const failed = statusOf('failed');
      const error = { code: 131047, title: 'Re-engagement message' };
      spec
        .given(sent)
        .when({ ...failed, data: { ...failed.data, error } })
        .then([
          { type: 'DeliveryStatusRecorded', data: { messageId: 'out-1', status: 'failed', at: failed.data.at, error } },
        ]);
    });

    it('records a read without a delivered before it (delivered may be skipped)', () => {
      const history = [...sent, ...spec.given(sent).when(statusOf('sent')).events()];
      expect(recordedStatuses(spec.given(history).when(statusOf('read')).events())).toEqual(['read']);
    });

    it('gives no read time when no read status arrived (read receipts off)', () => {
      const history = [...sent, ...spec.given(sent).when(statusOf('delivered')).events()];
      expect(recordedStatuses(history)).toEqual(['delivered']);
    });

    it.each(
      permutations<DeliveryStatus>(['sent', 'delivered', 'read', 'played']).map((order) => [order.join(' > '), order]),
    )('only moves forward when statuses arrive as %s, each twice', (_, order) => {
      let history = sent;
      for (const status of order.flatMap((status) => [status, status])) {
        history = [...history, ...spec.given(history).when(statusOf(status)).events()];
      }
      const recorded = recordedStatuses(history);
      expect(recorded[0]).toBe(order[0]);
      expect(recorded.at(-1)).toBe('played');
      expect(recorded.every((status, index) => index === 0 || isDeliveryProgress(recorded[index - 1], status))).toBe(
        true,
      );
      expect(new Set(recorded).size).toBe(recorded.length);
      expect(timesKept(history).sort()).toEqual(
        ['delivered', 'played', 'read', 'sent'].map((status) => `${status}@${later(repliedAt, 60_000)}`),
      );
    });

    it("keeps Meta's times of statuses that arrive after a later one, without moving the status back", () => {
      const at = (seconds: number) => later(repliedAt, seconds * 1000);
      const read = [
        ...sent,
        ...spec
          .given(sent)
          .when(statusOf('read', undefined, at(30)))
          .events(),
      ];
      const lateSent = spec
        .given(read)
        .when(statusOf('sent', undefined, at(10)))
        .events();
      expect(lateSent).toEqual([
        { type: 'DeliveryTimeRecorded', data: { messageId: 'out-1', status: 'sent', at: at(10) } },
      ]);
      const history = [...read, ...lateSent];
      const lateDelivered = spec
        .given(history)
        .when(statusOf('delivered', undefined, at(20)))
        .events();
      expect(lateDelivered).toEqual([
        { type: 'DeliveryTimeRecorded', data: { messageId: 'out-1', status: 'delivered', at: at(20) } },
      ]);
      const all = [...history, ...lateDelivered];
      expect(recordedStatuses(all)).toEqual(['read']);
      spec
        .given(all)
        .when(statusOf('sent', undefined, at(10)))
        .thenNothingHappens();
      spec
        .given(all)
        .when(statusOf('delivered', undefined, at(25)))
        .thenNothingHappens();
    });

    it('keeps failed as final and lets only a message not yet delivered fail', () => {
      const failedHistory = [...sent, ...spec.given(sent).when(statusOf('failed')).events()];
      for (const status of ['delivered', 'read', 'played', 'failed'] as const) {
        spec.given(failedHistory).when(statusOf(status)).thenNothingHappens();
      }
      // A failed message was sent first: Meta's late `sent` keeps its time, the status stays failed.
      const lateSent = spec.given(failedHistory).when(statusOf('sent')).events();
      expect(lateSent.map((event) => event.type)).toEqual(['DeliveryTimeRecorded']);
      spec
        .given([...failedHistory, ...lateSent])
        .when(statusOf('sent'))
        .thenNothingHappens();
      const onlySent = [...sent, ...spec.given(sent).when(statusOf('sent')).events()];
      expect(recordedStatuses(spec.given(onlySent).when(statusOf('failed')).events())).toEqual(['failed']);
      const delivered = [...sent, ...spec.given(sent).when(statusOf('delivered')).events()];
      spec.given(delivered).when(statusOf('failed')).thenNothingHappens();
    });

    it('refuses a status for an unknown WhatsApp id', () => {
      spec
        .given(sent)
        .when(statusOf('read', { wamid: 'wamid.unknown' }))
        .thenRefuses('MESSAGE_NOT_FOUND');
    });

    it('refuses a status about a message the contact sent', () => {
      spec
        .given(sent)
        .when(statusOf('read', { wamid: 'wamid.in-1' }))
        .thenRefuses('MESSAGE_NOT_FOUND');
    });
  });
});
