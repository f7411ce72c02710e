import type { Actor, CommandContext } from '@helpdesk/domain';
import type { Causation } from '@helpdesk/command-handling';
import { randomUUID } from 'node:crypto';

/** Who sent a command, for which portal, under which idempotency key: filled in at the edge (GraphQL, webhook). */
export interface CommandOrigin {
  readonly portalId: string;
  readonly actor: Actor;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export function contextFrom(origin: CommandOrigin, now: Date): CommandContext {
  return { portalId: origin.portalId, actor: origin.actor, now, idempotencyKey: origin.idempotencyKey };
}

export function causationFrom(origin: CommandOrigin): Causation {
  const correlationId = origin.correlationId ?? randomUUID();
  return { correlationId, causationId: origin.causationId ?? correlationId };
}
