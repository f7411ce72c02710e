import { physicalTableName } from '../core/projection.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { DUE_SESSIONS, type DueSessionRow, sessionExpiryProjection } from './session-expiry.projection.js';

/** Where a page of due sessions ended: the next page starts strictly after it, in (expiry, id) order. */
export interface DueSessionsCursor {
  readonly expiresAt: string;
  readonly id: string;
}

export interface DueSession extends DueSessionRow {
  /** Resume the next page after this session. */
  readonly cursor: DueSessionsCursor;
}

export interface DueSessionsQuery {
  /** Sessions whose expiry is at or before this instant (at 24 hours exactly the session is over). */
  readonly dueAt: Date;
  readonly limit: number;
  readonly after?: DueSessionsCursor | null;
}

const table = () => physicalTableName(sessionExpiryProjection, DUE_SESSIONS);

/** One page of the sessions due at `dueAt`, earliest expiry first, every portal (the expiry service's). */
export async function listDueSessions(db: ReadDatabase, query: DueSessionsQuery): Promise<DueSession[]> {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError('limit must be a positive integer');
  const { after } = query;
  let select = db.selectFrom(table()).select(['id', 'document']).where('expires_at', '<=', query.dueAt.toISOString());
  if (after) {
    select = select.where((eb) =>
      eb.or([
        eb('expires_at', '>', after.expiresAt),
        eb.and([eb('expires_at', '=', after.expiresAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await select.orderBy('expires_at').orderBy('id').limit(query.limit).execute();
  return rows.map((row) => {
    const session = JSON.parse(row.document as string) as DueSessionRow;
    return { ...session, cursor: { expiresAt: session.expiresAt, id: row.id as string } };
  });
}

/** The earliest expiry strictly after `instant`, or null when no open session expires later. */
export async function nextSessionExpiryAfter(db: ReadDatabase, instant: Date): Promise<Date | null> {
  const row = await db
    .selectFrom(table())
    .select('expires_at')
    .where('expires_at', '>', instant.toISOString())
    .orderBy('expires_at')
    .limit(1)
    .executeTakeFirst();
  return row ? new Date(row.expires_at as string) : null;
}
