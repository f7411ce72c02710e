import type {
  DueSessionsCursor,
  IndexedSession,
  SessionDueIndex,
} from '@helpdesk/commands/conversation/session-expiry/session-due-index.js';
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
    return listDueSessions(this.db, { dueAt, limit, after });
  }

  nextExpiryAfter(instant: Date): Promise<Date | null> {
    return nextSessionExpiryAfter(this.db, instant);
  }

  whenCaughtUp(): Promise<void> {
    return this.caughtUp();
  }
}
