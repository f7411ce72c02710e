import { EventStoreError, StoreUnavailableError } from '../port/index.js';

const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/;

/** Lock contention, a full or failing disk: the write did not happen and may be retried. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof EventStoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new StoreUnavailableError(`SQLite ${code}: ${(error as Error).message}`, error);
  }
  if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
    return new StoreUnavailableError('the embedded store is closed', error);
  }
  return error;
}
