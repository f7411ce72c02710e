import type {
  DeliveryStatusRecorded,
  OutboundDeliveryUnknown,
  OutboundFailure,
  OutboundMessageFailed,
  OutboundResendRequested,
  OutboundRetryScheduled,
  OutboundSendAttempted,
} from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { DeliveryTrack, DispatchFailure, DispatchTrack } from './thread.documents.js';

type DispatchEvent =
  | OutboundSendAttempted
  | OutboundRetryScheduled
  | OutboundMessageFailed
  | OutboundDeliveryUnknown
  | OutboundResendRequested;

export const DISPATCH_EVENT_TYPES: readonly DispatchEvent['type'][] = [
  'OutboundSendAttempted', 'OutboundRetryScheduled', 'OutboundMessageFailed', 'OutboundDeliveryUnknown', 'OutboundResendRequested',
];

/** The dispatch after one Outbound* event; it follows the write model's own steps. */
export function nextDispatch(current: DispatchTrack, event: RecordedEvent): DispatchTrack {
  const typed = { type: event.type, data: event.data } as DispatchEvent;
  switch (typed.type) {
    case 'OutboundSendAttempted':
      return { ...current, state: 'attempting', attempts: typed.data.attempt, lastAttemptAt: typed.data.at, retryAt: null };
    case 'OutboundRetryScheduled':
      return {
        ...current,
        state: 'retry_scheduled',
        retryAt: typed.data.retryAt,
        // The event has no time of its own: the time it was recorded is when Meta's refusal was known.
        lastFailure: failureOf(typed.data, typed.data.attempt, null, event.created.toISOString()),
      };
    case 'OutboundMessageFailed':
      return {
        ...current,
        state: 'failed',
        retryAt: null,
        lastFailure: failureOf(typed.data, typed.data.attempt, typed.data.reason, typed.data.failedAt),
      };
    case 'OutboundDeliveryUnknown':
      return { ...current, state: 'unknown', unknownReason: typed.data.reason };
    case 'OutboundResendRequested':
      return { ...current, state: 'retry_scheduled', retryAt: typed.data.requestedAt, resendRequestedAt: typed.data.requestedAt };
    default:
      return current;
  }
}

/** Meta's id or any status of the message proves Meta took it, whatever the last attempt looked like. */
export function takenByMeta(current: DispatchTrack | null): DispatchTrack | null {
  return current && { ...current, state: 'sent', retryAt: null };
}

const STATUS_TIME = { sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', played: 'playedAt', failed: 'failedAt' } as const;

/** The domain records a status only when it moves forward, so the latest recorded one is the current one. */
export function nextDelivery(current: DeliveryTrack | null, event: DeliveryStatusRecorded): DeliveryTrack | null {
  if (current === null) return null;
  const { status, at, error } = event.data;
  return { ...current, status, [STATUS_TIME[status]]: at, ...(status === 'failed' && { error: error ?? null }) };
}

function failureOf(failure: OutboundFailure, attempt: number, reason: DispatchFailure['reason'], at: string): DispatchFailure {
  const { code, title, message, httpStatus } = failure;
  return { code, title, message, httpStatus, attempt, reason, at };
}
