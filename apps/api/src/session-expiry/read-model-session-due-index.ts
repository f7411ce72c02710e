import type {
  DueSessionsCursor,
  IndexedSession,
  SessionDueIndex,
} from '@helpdesk/commands/conversation/session-expiry/session-due-index.js';
import { isMissingTable } from '@helpdesk/projections/core/drift-check.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { listDueSessions, nextSessionExpiryAfter } from '@helpdesk/projections/session-expiry/index.js';

/** The expiry service's due-time index, read from the `session_expiry` read model. */
export class ReadModelSessionDueIndex implements SessionDueIndex {
  constructor(
    private readonly db: ReadDatabase,
    /** Resolves once the read model applied the history written so far. */
    private readonly caughtUp: () => Promise<void>,
  ) {}

  due(dueAt: Date, limit: number, after: DueSessionsCursor | null): Promise<readonly IndexedSession[]> {
    return notBuiltYetAs([], listDueSessions(this.db, { dueAt, limit, after }));
  }

  nextExpiryAfter(instant: Date): Promise<Date | null> {
    return notBuiltYetAs(null, nextSessionExpiryAfter(this.db, instant));
  }

  whenCaughtUp(): Promise<void> {
    return this.caughtUp();
  }
}

/**
 * On a new install whose read models run in another process (PROJECTIONS=child-process, the
 * default, or off), the API may look before the projector has created the tables: no session is
 * recorded yet then, and each one opened from now on announces itself to the service.
 */
async function notBuiltYetAs<T>(empty: T, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isMissingTable(error)) return empty;
    throw error;
  }
}
