import { threadMessageId } from '@helpdesk/projections/thread/index.js';

/**
 * The id in `GET /media/:id`: the thread row's id (conversation and message) in base64url, so it
 * holds no `/` or `.` and no path can be spelt with it; it names nothing outside the portal's rows.
 */
export function mediaUrlId(conversationId: string, messageId: string): string {
  return Buffer.from(threadMessageId(conversationId, messageId), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,700}$/;

/** The thread row id, or null for anything that is not one of ours (answered like an unknown id). */
export function threadRowIdFromMediaId(id: string): string | null {
  if (!BASE64URL.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== id) return null;
  const slash = decoded.indexOf('/');
  return slash > 0 && slash < decoded.length - 1 ? decoded : null;
}

export function mediaPath(conversationId: string, messageId: string): string {
  return `/media/${mediaUrlId(conversationId, messageId)}`;
}
