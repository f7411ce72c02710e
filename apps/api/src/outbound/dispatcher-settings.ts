import type { ConversationEvent } from '@helpdesk/domain';
import { DEFAULT_BACKOFF } from './backoff.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './graph-api-client.js';
import type { DeliverySettings } from './message-delivery.js';
import { DEFAULT_THROUGHPUT, type ThroughputSettings } from './number-rate-limiter.js';

/** The events that give the dispatcher work: a message accepted, an agent asking to send one again, a read receipt asked for. */
export const OUTBOUND_WORK_EVENT_TYPES = [
  'ReplyAccepted',
  'TemplateMessageAccepted',
  'OutboundResendRequested',
  'ReadReceiptRequested',
] as const satisfies readonly ConversationEvent['type'][];

export interface DispatcherSettings extends DeliverySettings, ThroughputSettings {
  readonly maxConcurrentRequests: number;
  /** Messages under way before the subscription stops reading (backpressure). */
  readonly maxInProgress: number;
  /** Settled messages between two checkpoints; one is also written whenever the dispatcher falls idle. */
  readonly checkpointEvery: number;
  readonly resubscribeDelayMs: number;
}

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  /** The request timeout and a margin: by then an attempt made elsewhere has its outcome recorded. */
  staleAttemptMs: DEFAULT_REQUEST_TIMEOUT_MS + 30_000,
  backoff: DEFAULT_BACKOFF,
  storeRetryMs: 500,
  storeRetryMaxMs: 30_000,
  maxConcurrentRequests: 16,
  maxInProgress: 1_000,
  checkpointEvery: 100,
  resubscribeDelayMs: 1_000,
  ...DEFAULT_THROUGHPUT,
};
