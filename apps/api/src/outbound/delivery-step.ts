import { type OutboundDispatch, dueAttempt } from '@helpdesk/domain';

/** What to do next for one message, from its state in the conversation stream. */
export type DeliveryStep =
  | { readonly kind: 'attempt'; readonly attempt: number }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'mark_unknown'; readonly attempt: number }
  | { readonly kind: 'done' };

/**
 * An attempt without an outcome is left to whoever made it while it may still be under way (another
 * instance); once older than `staleAttemptMs` its sender is gone and it becomes unknown, never resent.
 */
export function nextDeliveryStep(dispatch: OutboundDispatch, now: Date, staleAttemptMs: number): DeliveryStep {
  switch (dispatch.status) {
    case 'pending':
    case 'retry_scheduled': {
      const wait = dispatch.status === 'retry_scheduled' ? Date.parse(dispatch.retryAt) - now.getTime() : 0;
      const attempt = dueAttempt(dispatch) as number;
      return wait > 0 ? { kind: 'wait', ms: wait } : { kind: 'attempt', attempt };
    }
    case 'attempting': {
      const wait = Date.parse(dispatch.attemptedAt) + staleAttemptMs - now.getTime();
      return wait > 0 ? { kind: 'wait', ms: wait } : { kind: 'mark_unknown', attempt: dispatch.attempt };
    }
    case 'unknown':
    case 'sent':
    case 'failed':
      return { kind: 'done' };
  }
}
