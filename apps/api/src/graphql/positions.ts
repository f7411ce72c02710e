import type { Position } from '@helpdesk/event-store';

/**
 * `$all` positions on the wire: `commit:prepare` in decimal (EventStoreDB has two numbers, the
 * embedded store one number twice). Opaque to clients: they pass back what a mutation returned.
 */
export function formatPosition(position: Position): string {
  return `${position.commit}:${position.prepare}`;
}

/** Null when the text is not a position this API could have returned. */
export function parsePosition(text: string): Position | null {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(text);
  return match ? { commit: BigInt(match[1]), prepare: BigInt(match[2]) } : null;
}
