import { type HelpdeskEventOf, SESSION_EVENT_TYPES, conversationIdFromStreamName } from '@helpdesk/domain';
import {
  type ColumnValues,
  type ProjectedEvent,
  type Projection,
  type TableDocument,
  evolveDocument,
} from '../core/projection.js';

export const DUE_SESSIONS = 'due_sessions';

/** A conversation's open session: closed at `expiresAt` unless a newer inbound message extends it. */
export interface DueSessionRow {
  readonly portalId: string;
  readonly conversationId: string;
  readonly sessionId: string;
  /** ISO 8601 in UTC with milliseconds (`toISOString`), so the text column sorts in time order. */
  readonly expiresAt: string;
}

export type SessionEvent = HelpdeskEventOf<(typeof SESSION_EVENT_TYPES)[number]>;
export type SessionExpiryRows = { readonly due_sessions: DueSessionRow };

/** Every ISO instant the domain writes, in the one fixed-width form whose text order is time order. */
function sortableInstant(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}

/**
 * One document per conversation stream while its session is open, none once it is closed: the
 * index the session-expiry service reads its due sessions from (`expires_at <= now`, in expiry
 * order), instead of holding every open session in memory.
 */
function evolveDueSession(row: DueSessionRow | null, event: ProjectedEvent<SessionEvent>): DueSessionRow | null {
  switch (event.type) {
    case 'SessionOpened': {
      const conversationId = conversationIdFromStreamName(event.streamName);
      const portalId = event.metadata.tenantId;
      if (conversationId === null || typeof portalId !== 'string') return row;
      const { sessionId, expiresAt } = event.data;
      return { portalId, conversationId, sessionId, expiresAt: sortableInstant(expiresAt) };
    }
    case 'SessionExtended':
      return row?.sessionId === event.data.sessionId
        ? { ...row, expiresAt: sortableInstant(event.data.expiresAt) }
        : row;
    case 'SessionClosed':
      return row?.sessionId === event.data.sessionId ? null : row;
  }
}

const projectSessionEvent = evolveDocument<SessionEvent, SessionExpiryRows, typeof DUE_SESSIONS>(
  DUE_SESSIONS,
  (event) => event.streamName,
  evolveDueSession,
);

/**
 * The open WhatsApp sessions by expiry (the 24-hour customer service window), keyed by the
 * conversation's stream name (unique across portals). The index on (`expires_at`, `id`) serves
 * the expiry service's keyset pages of due sessions and its "next expiry" look-up.
 */
export const sessionExpiryProjection: Projection<SessionEvent, SessionExpiryRows> = {
  name: 'session_expiry',
  version: 1,
  eventTypes: SESSION_EVENT_TYPES,
  tables: [{ name: DUE_SESSIONS, columns: { portal_id: 'text', expires_at: 'text' }, indexes: [['expires_at', 'id']] }],
  columnsOf({ document }: TableDocument<SessionExpiryRows>): ColumnValues {
    return { portal_id: document.portalId, expires_at: document.expiresAt };
  },
  project: projectSessionEvent,
};
