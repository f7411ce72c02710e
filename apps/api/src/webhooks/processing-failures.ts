import { SingleStreamName } from '@helpdesk/domain';
import { type EventStore, type Position, StreamNotFoundError } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';

/**
 * Payloads whose processing failed unexpectedly (a bug, bad data): one event per failed attempt,
 * for operators to find, fix and reprocess. Expected refusals (an unconnected number) never land here.
 */
export const FAILURES_STREAM = SingleStreamName.inboxProcessorFailures;
export const WEBHOOK_PAYLOAD_FAILED = 'WebhookPayloadFailed';

export interface ItemFailure {
  /** Where in the payload: `entry[0].changes[0].value.messages[1]`, or `payload`. */
  readonly where: string;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string };
}

export interface WebhookPayloadFailed {
  readonly payloadEventId: string;
  readonly inboxStream: string;
  /** The payload's `$all` position, as strings: pass it to `reprocess()`. */
  readonly position: { readonly commit: string; readonly prepare: string };
  readonly failedAt: string;
  readonly failures: readonly ItemFailure[];
}

export function describeError(error: unknown): ItemFailure['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' && { code }) };
}

export function positionOfFailure(failure: WebhookPayloadFailed): Position {
  return { commit: BigInt(failure.position.commit), prepare: BigInt(failure.position.prepare) };
}

export async function recordPayloadFailure(store: EventStore, failure: WebhookPayloadFailed): Promise<void> {
  const event = {
    id: randomUUID(),
    type: WEBHOOK_PAYLOAD_FAILED,
    data: failure,
    metadata: { correlationId: failure.payloadEventId },
  };
  await store.append(FAILURES_STREAM, [event], 'any');
}

export async function readPayloadFailures(store: EventStore): Promise<WebhookPayloadFailed[]> {
  const failures: WebhookPayloadFailed[] = [];
  try {
    for await (const event of store.readStream(FAILURES_STREAM)) failures.push(event.data as WebhookPayloadFailed);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return failures;
}
