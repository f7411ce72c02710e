import { randomUUID } from 'node:crypto';
import { comparePositions, headPosition } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { originOf } from '../auth/auth.decorators.js';
import { formatPosition } from './positions.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';

/** The `position` field of a payload whose command ran through withRecordedPosition. */
export const RECORDED_POSITION_DESCRIPTION =
  "Where this request's events stand in the log: pass it as `atLeastPosition` to read your own write. " +
  'Null when the request recorded nothing new (a change already made).';

/** A command on the caller's behalf whose events can be told apart: they carry this request's correlation id. */
export type TracedOrigin = CommandOrigin & { readonly correlationId: string };

/** The request's id as correlation id (originOf); a fresh one outside an HTTP request. */
export function tracedOriginOf(user: AuthenticatedUser, idempotencyKey?: string): TracedOrigin {
  const origin = originOf(user, idempotencyKey);
  return { ...origin, correlationId: origin.correlationId ?? randomUUID() };
}

/**
 * Runs a command whose handler answers with the aggregate's new state but not where its events
 * landed, and finds where: the latest event of `$all` with the request's correlation id. A channel
 * command writes to several streams (claims, account, releases), so the log is searched rather
 * than one stream; backwards from its end, and never past where it stood before the command, so a
 * command that recorded nothing costs only the events others appended meanwhile (and gives null).
 * The correlation id is the client's X-Request-Id, which another client may send too: an event
 * counts only if it is also this portal's and this actor's.
 */
export async function withRecordedPosition<Result>(
  store: EventStore,
  origin: TracedOrigin,
  run: () => Promise<Result>,
): Promise<{ result: Result; position: string | null }> {
  const before = await headPosition(store);
  const result = await run();
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' })) {
    if (before && comparePositions(event.position, before) <= 0) break;
    if (isTheRequests(event.metadata, origin)) return { result, position: formatPosition(event.position) };
  }
  return { result, position: null };
}

function isTheRequests(metadata: Record<string, unknown>, origin: TracedOrigin): boolean {
  return (
    metadata.correlationId === origin.correlationId &&
    metadata.tenantId === origin.portalId &&
    metadata.actorId === `${origin.actor.kind}:${origin.actor.id}`
  );
}
