/** Where a page of due sessions ended: the next page starts strictly after it, in (expiry, id) order. */
export interface DueSessionsCursor {
  readonly expiresAt: string;
  readonly id: string;
}

/** An open session as the index holds it: which conversation, which session, due when. */
export interface IndexedSession {
  readonly portalId: string;
  readonly conversationId: string;
  readonly sessionId: string;
  /** ISO 8601. */
  readonly expiresAt: string;
  readonly cursor: DueSessionsCursor;
}

/**
 * The persisted due-time index of open sessions the expiry service reads (the API backs it with
 * the `session_expiry` read model). It is only a hint: it may lag the event log, so a session it
 * calls due may have been extended or closed meanwhile; the close command's decider decides from
 * the conversation's stream.
 */
export interface SessionDueIndex {
  /** Up to `limit` sessions with expiry <= `dueAt`, earliest first, strictly after `after`. */
  due(dueAt: Date, limit: number, after: DueSessionsCursor | null): Promise<readonly IndexedSession[]>;
  /** The earliest expiry strictly after `instant`, or null. */
  nextExpiryAfter(instant: Date): Promise<Date | null>;
  /** Resolves once the index holds the history written so far (rejects if it cannot get there). */
  whenCaughtUp(): Promise<void>;
}

export const SESSION_DUE_INDEX = Symbol('SESSION_DUE_INDEX');

export interface SessionExpiryOptions {
  /** Due sessions read and closed per page (the start after downtime may find many). */
  readonly batchSize: number;
  /**
   * The longest sleep between two looks at the index, even when no session is due sooner: it
   * bounds how late a session is closed whose events this process did not see (another process
   * wrote them, or the index caught up after start). A look is one indexed query.
   */
  readonly maxSleepMs: number;
  /** After a failed close or read: the store may be down, do not hammer it. */
  readonly retryDelayMs: number;
}

export const SESSION_EXPIRY_OPTIONS = Symbol('SESSION_EXPIRY_OPTIONS');

export const DEFAULT_SESSION_EXPIRY_OPTIONS: SessionExpiryOptions = {
  batchSize: 500,
  maxSleepMs: 60_000,
  retryDelayMs: 5_000,
};
