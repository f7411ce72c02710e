import { createHash } from 'node:crypto';
import { type CommandContext, DomainError } from '@helpdesk/domain';
import type { EventMetadata } from '@helpdesk/event-store';

/**
 * What a client's idempotency key was first used for, as recorded in the metadata of the events
 * it produced: the command's type and the hash of the request.
 */
export interface KeyUse {
  readonly command: string;
  readonly fingerprint: string;
}

/**
 * The client keys used in one stream, by `portal|key`: a monotone set of facts about the stream.
 * Only keys recorded with a request hash are kept: those a client chose. The keys the service
 * derives (`inbound|<wamid>`, one per message and status) are many, and the domain already treats
 * their redeliveries as done; keeping them all would grow every cached conversation.
 */
export type UsedKeys = Map<string, KeyUse>;

/**
 * JSON with object keys sorted and `undefined` members dropped, so that the same request gives the
 * same text whatever order its fields arrived in. Class instances count by their own fields.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const json = JSON.stringify(value);
    return json === undefined ? 'null' : json;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * "The same command": the same command type and the same canonical request (what the client asked
 * for: a GraphQL mutation's name and input without the key). Without a request there is nothing to
 * compare: keys the service derives from what it records (`inbound|<wamid>`) name that fact, whose
 * other details may legitimately differ on a redelivery, and the domain treats it as done.
 */
export function commandFingerprint(commandType: string, request?: unknown): string | undefined {
  if (request === undefined) return undefined;
  return createHash('sha256')
    .update(canonicalJson({ command: commandType, request }))
    .digest('hex');
}

/** A key belongs to the portal that used it: the same text chosen by another portal is another key. */
export function scopedKey(portalId: string | undefined, idempotencyKey: string): string {
  return `${portalId ?? ''}|${idempotencyKey}`;
}

/** What the events of one keyed command carry in their metadata. */
export function keyMetadata(
  context: CommandContext,
  commandType: string,
  fingerprint: string | undefined,
): EventMetadata {
  if (!context.idempotencyKey) return {};
  return {
    idempotencyKey: context.idempotencyKey,
    command: commandType,
    ...(fingerprint && { commandFingerprint: fingerprint }),
  };
}

/** Adds the client key an event was written under, if any, to `keys`. */
export function noteKeyUse(keys: UsedKeys, metadata: EventMetadata | undefined): void {
  const key = metadata?.idempotencyKey;
  const fingerprint = metadata?.commandFingerprint;
  if (typeof key !== 'string' || typeof fingerprint !== 'string' || typeof metadata?.command !== 'string') return;
  const scoped = scopedKey(typeof metadata.tenantId === 'string' ? metadata.tenantId : undefined, key);
  if (!keys.has(scoped)) keys.set(scoped, { command: metadata.command, fingerprint });
}

export const IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED' as const;

/**
 * Whether the command is a replay of a client's request already recorded in the stream under its
 * key: true for the same command and request (nothing to do again); a `DomainError`
 * IDEMPOTENCY_KEY_REUSED for anything else; false when the key is new here (or there is none).
 */
export function isReplay(
  keys: UsedKeys,
  commandType: string,
  context: CommandContext,
  fingerprint: string | undefined,
): boolean {
  if (!context.idempotencyKey) return false;
  const used = keys.get(scopedKey(context.portalId, context.idempotencyKey));
  if (!used) return false;
  const same = used.command === commandType && used.fingerprint === fingerprint;
  if (same) return true;
  throw new DomainError(
    IDEMPOTENCY_KEY_REUSED,
    'This idempotency key was already used for another request: choose a new key for a new request',
  );
}
