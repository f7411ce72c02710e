import { SingleStreamName, StreamCategory, streamPrefix } from '@helpdesk/domain';
import {
  type EventStore,
  type Position,
  StreamCheckpoint,
  comparePositions,
  headPosition,
} from '@helpdesk/event-store';

/** The stored webhook payloads the inbox processor turns into commands (apps/api/src/webhooks/webhook-inbox.ts). */
export const INBOX_PAYLOAD_EVENT_TYPE = 'WebhookPayloadReceived';
const INBOX_PREFIX = streamPrefix(StreamCategory.webhookInbox);

export interface InboxBacklog {
  /** Payloads stored (Meta heard 200) after the processor's checkpoint: not yet turned into commands. */
  readonly payloads: number;
  /** `payloads` reached the cap: the real backlog is at least that. */
  readonly capped: boolean;
  /** When the oldest of them was received; null when there are none. */
  readonly oldestReceivedAt: string | null;
  /** Where the count started: the processor's checkpoint (null: it never ran, so every payload counts). */
  readonly processedUpTo: Position | null;
}

/**
 * Where the inbox processor's durable checkpoint stands. It moves only past payloads whose commands
 * are done (coalesced writes, a few milliseconds behind), so the backlog it gives is never too small.
 */
export function readInboxProcessorCheckpoint(store: EventStore): Promise<Position | null> {
  return new StreamCheckpoint(store, SingleStreamName.inboxProcessorCheckpoint, 'InboxProcessorCheckpointed').read();
}

/**
 * Counts the payloads after `processedUpTo` (exclusive) up to the head as it is now, at most `cap`,
 * reading at most `cap * 10` events (the commands' events and others lie between payloads): either
 * limit reached makes it `capped`, a lower bound.
 * The projections' lag does not show this: a burst of payloads is a few events in `$all` until the
 * processor turns them into the commands' events, so projections look caught up while it is busy.
 */
export async function readInboxBacklog(
  store: EventStore,
  processedUpTo: Position | null,
  cap: number,
): Promise<InboxBacklog> {
  const head = await headPosition(store);
  let payloads = 0;
  let scanned = 0;
  let oldestReceivedAt: string | null = null;
  if (head === null) return { payloads, capped: false, oldestReceivedAt, processedUpTo };
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: processedUpTo ?? 'start' })) {
    if (comparePositions(event.position, head) > 0) break;
    if (processedUpTo && comparePositions(event.position, processedUpTo) <= 0) continue;
    if (++scanned > cap * 10) return { payloads, capped: true, oldestReceivedAt, processedUpTo };
    if (event.type !== INBOX_PAYLOAD_EVENT_TYPE || !event.streamName.startsWith(INBOX_PREFIX)) continue;
    if (payloads >= cap) return { payloads, capped: true, oldestReceivedAt, processedUpTo };
    payloads++;
    oldestReceivedAt ??= receivedAtOf(event.data) ?? event.created.toISOString();
  }
  return { payloads, capped: false, oldestReceivedAt, processedUpTo };
}

function receivedAtOf(data: unknown): string | null {
  const receivedAt = (data as { receivedAt?: unknown } | null)?.receivedAt;
  return typeof receivedAt === 'string' && !Number.isNaN(Date.parse(receivedAt))
    ? new Date(receivedAt).toISOString()
    : null;
}
