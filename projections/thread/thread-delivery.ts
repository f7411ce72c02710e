import type {
  DeliveryStatusRecorded,
  DeliveryTimeRecorded,
  OutboundDeliveryUnknown,
  OutboundFailure,
  OutboundMessageFailed,
  OutboundResendRequested,
  OutboundRetryScheduled,
  OutboundSendAttempted,
} from '@helpdesk/domain';
import type { ProjectedEvent } from '../core/projection.js';
import type { DeliveryTrack, DispatchFailure, DispatchTrack } from './thread.documents.js';

export type DispatchEvent =
  | OutboundSendAttempted
  | OutboundRetryScheduled
  | OutboundMessageFailed
  | OutboundDeliveryUnknown
  | OutboundResendRequested;

export const DISPATCH_EVENT_TYPES = [
  'OutboundSendAttempted',
  'OutboundRetryScheduled',
  'OutboundMessageFailed',
  'OutboundDeliveryUnknown',
  'OutboundResendRequested',
] as const satisfies readonly DispatchEvent['type'][];

/** The dispatch after one Outbound* event; it follows the write model's own steps. */
export function nextDispatch(current: DispatchTrack, event: ProjectedEvent<DispatchEvent>): DispatchTrack {
  switch (event.type) {
    case 'OutboundSendAttempted':
      return {
        ...current,
        state: 'attempting',
        attempts: event.data.attempt,
        lastAttemptAt: event.data.at,
        retryAt: null,
      };
    case 'OutboundRetryScheduled':
      return {
        ...current,
        state: 'retry_scheduled',
        retryAt: event.data.retryAt,
        // The event has no time of its own: the time it was recorded is when Meta's refusal was known.
        lastFailure: failureOf(event.data, event.data.attempt, null, event.created.toISOString()),
      };
    case 'OutboundMessageFailed':
      return {
        ...current,
        state: 'failed',
        retryAt: null,
        lastFailure: failureOf(event.data, event.data.attempt, event.data.reason, event.data.failedAt),
      };
    case 'OutboundDeliveryUnknown':
      return { ...current, state: 'unknown', unknownReason: event.data.reason };
    case 'OutboundResendRequested':
      return {
        ...current,
        state: 'retry_scheduled',
        retryAt: event.data.requestedAt,
        resendRequestedAt: event.data.requestedAt,
      };
    default:
      return current;
  }
}

/** Meta's id or any status of the message proves Meta took it, whatever the last attempt looked like. */
export function takenByMeta(current: DispatchTrack | null): DispatchTrack | null {
  return current && { ...current, state: 'sent', retryAt: null };
}

const STATUS_TIME = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  played: 'playedAt',
  failed: 'failedAt',
} as const;

/** The domain records a status only when it moves forward, so the latest recorded one is the current one. */
export function nextDelivery(
  current: DeliveryTrack | null,
  event: Pick<DeliveryStatusRecorded, 'data'>,
): DeliveryTrack | null {
  if (current === null) return null;
  const { status, at, error } = event.data;
  return { ...current, status, [STATUS_TIME[status]]: at, ...(status === 'failed' && { error: error ?? null }) };
}

/** A late status keeps Meta's time for it; the current status stays where it is. */
export function withReportedTime(
  current: DeliveryTrack | null,
  event: Pick<DeliveryTimeRecorded, 'data'>,
): DeliveryTrack | null {
  if (current === null) return null;
  return { ...current, [STATUS_TIME[event.data.status]]: event.data.at };
}

function failureOf(
  failure: OutboundFailure,
  attempt: number,
  reason: DispatchFailure['reason'],
  at: string,
): DispatchFailure {
  const { code, title, message, httpStatus } = failure;
  return { code, title, message, httpStatus, attempt, reason, at };
}
