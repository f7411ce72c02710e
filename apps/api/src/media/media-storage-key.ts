import { createHash } from 'node:crypto';

/**
 * Where a message's media is kept: a hash of its conversation and message ids, so the key is a safe
 * name whatever the ids hold, and the same on every download of it (a retry replaces, never adds).
 */
export function mediaStorageKey(conversationId: string, messageId: string): string {
  const hex = createHash('sha256').update(`${conversationId}/${messageId}`).digest('hex');
  return `${hex.slice(0, 2)}/${hex}`;
}
