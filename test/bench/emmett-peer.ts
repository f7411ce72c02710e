/**
 * The peer of the `peers` scenario, Emmett's SQLite event store, loaded only when the benchmark runs.
 *
 * Its packages (and `sqlite3`, a native compile) are not in package.json, so a user's `npm ci` never builds them:
 * `npm run bench` installs them first (`npm run bench:peers-install`). This file names them in a variable, which
 * TypeScript, tsc-alias and dependency-cruiser do not resolve, and types exactly the calls the benchmark makes, so
 * the benchmark compiles whether they are installed or not.
 */

/** The package; a variable so that nothing resolves it at compile time. */
export const EMMETT_SQLITE_MODULE: string = '@event-driven-io/emmett-sqlite';

/** What the `peers` scenario says in place of its figures when the peer is not installed. */
export const PEER_NOT_INSTALLED = 'skipped: run `npm run bench:peers-install`';

/** What node-sqlite3 binds to a `?`. */
export type SqlValue = object | string | bigint | number | boolean | null;

export interface EmmettConnection {
  command(sql: string, values?: SqlValue[]): Promise<unknown>;
  query<T>(sql: string, values?: SqlValue[]): Promise<T[]>;
  close(): void;
}

export interface EmmettEventToAppend {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

export interface EmmettMessage {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: {
    readonly messageId: string;
    readonly streamName: string;
    readonly streamPosition: bigint;
    readonly globalPosition: bigint;
  };
}

export interface EmmettConsumer {
  processor(options: {
    processorId: string;
    startFrom: 'BEGINNING';
    stopAfter: (message: EmmettMessage) => boolean;
    eachMessage: (message: EmmettMessage, context: { connection: EmmettConnection }) => Promise<void>;
  }): unknown;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface EmmettEventStore {
  appendToStream(streamName: string, events: EmmettEventToAppend[]): Promise<unknown>;
  consumer(options: { pulling: { batchSize: number; pullingFrequencyInMs: number } }): EmmettConsumer;
}

/** The calls the benchmark makes into `@event-driven-io/emmett-sqlite` 0.38.5, and nothing else. */
export interface EmmettSqlite {
  getSQLiteEventStore(options: {
    fileName: string;
    schema: { autoMigration: 'None' | 'CreateOrUpdate' };
  }): EmmettEventStore;
  sqliteConnection(options: { fileName: string }): EmmettConnection;
  readMessagesBatch(
    connection: EmmettConnection,
    options: { after: bigint; batchSize: number },
  ): Promise<{ currentGlobalPosition: bigint; messages: readonly unknown[] }>;
}

/** Node's code when an import names a package that is not installed (itself, or one it imports such as sqlite3). */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Emmett, or null when it is not installed. Any other failure to load it (sqlite3 installed but its native
 * binding not built, say) is thrown: that install is broken, and a skip would hide it.
 */
export async function loadEmmett(specifier: string = EMMETT_SQLITE_MODULE): Promise<EmmettSqlite | null> {
  try {
    return (await import(specifier)) as EmmettSqlite;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NOT_FOUND.has(code)) return null;
    throw error;
  }
}
