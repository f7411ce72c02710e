import type { Actor, CommandContext } from '@helpdesk/domain';
import type { Causation } from '@helpdesk/command-handling';
import { randomUUID } from 'node:crypto';

/** Who sent a command, for which portal, under which idempotency key: filled in at the edge (GraphQL, webhook). */
export interface CommandOrigin {
  readonly portalId: string;
  readonly actor: Actor;
  readonly idempotencyKey?: string;
  /**
   * What a client asked for under its own idempotency key (operation and input, without the key):
   * the key then names that request only, and another request under it is refused.
   */
  readonly request?: unknown;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** The origin of a client's request: its key may be replayed for this very request, and no other. */
export function forRequest(origin: CommandOrigin, operation: string, input: object): CommandOrigin {
  if (!origin.idempotencyKey) return origin;
  const { idempotencyKey: _key, ...asked } = input as Record<string, unknown>;
  return { ...origin, request: { operation, input: asked } };
}

export function contextFrom(origin: CommandOrigin, now: Date): CommandContext {
  return { portalId: origin.portalId, actor: origin.actor, now, idempotencyKey: origin.idempotencyKey };
}

export function causationFrom(origin: CommandOrigin): Causation {
  const correlationId = origin.correlationId ?? randomUUID();
  return { correlationId, causationId: origin.causationId ?? correlationId };
}
