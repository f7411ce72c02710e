import type { RecordedEvent } from '@helpdesk/event-store';
import { DocumentBatch } from './document-batch.js';
import { DocumentCache } from './document-cache.js';
import { DocumentStatements } from './document-statements.js';
import { type Projection, type TableNames, handledEvents } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

/** The documents a live runner keeps between batches, per table. */
export const LIVE_CACHE_DOCUMENTS = 1_000;

/**
 * What one run (a live runner, a rebuild, a drift check's replay) keeps between its batches: the
 * SQL it runs on its tables and the documents it read or wrote. A new one per run, and a new one
 * whenever another writer may have touched the tables.
 */
export class ProjectionWriter {
  readonly statements: DocumentStatements;

  constructor(
    db: ReadDatabase,
    readonly projection: Projection,
    readonly names: TableNames,
    readonly cache: DocumentCache,
  ) {
    this.statements = new DocumentStatements(db, projection, names);
  }

  /** A writer whose cache knows the tables are empty, when they are (a build's fresh tables). */
  static async open(
    db: ReadDatabase,
    projection: Projection,
    names: TableNames,
    capacity: number,
  ): Promise<ProjectionWriter> {
    const startsEmpty = await tablesEmpty(db, projection, names);
    return new ProjectionWriter(db, projection, names, new DocumentCache({ capacity, startsEmpty }));
  }

  /**
   * Runs one batch's transaction: what `work` changed enters the cache only once it committed,
   * and is forgotten when it rolled back.
   */
  async transaction<T>(db: ReadDatabase, work: (trx: ReadDatabase) => Promise<T>): Promise<T> {
    return writersTransaction(db, [this], work);
  }
}

/** One transaction for several writers (a live group's batch): each cache keeps the changes only if it committed. */
export async function writersTransaction<T>(
  db: ReadDatabase,
  writers: readonly ProjectionWriter[],
  work: (trx: ReadDatabase) => Promise<T>,
): Promise<T> {
  for (const writer of writers) writer.cache.rollback();
  try {
    const result = await db.transaction().execute(work);
    for (const writer of writers) writer.cache.commit();
    return result;
  } catch (error) {
    for (const writer of writers) writer.cache.rollback();
    throw error;
  }
}

async function tablesEmpty(db: ReadDatabase, projection: Projection, names: TableNames): Promise<boolean> {
  for (const table of projection.tables) {
    if (await db.selectFrom(names(table.name)).select('id').limit(1).executeTakeFirst()) return false;
  }
  return true;
}

/**
 * Applies one batch of events to the writer's tables, inside the caller's transaction (see
 * `ProjectionWriter.transaction`), and says how many the projection handled. Live runs, rebuilds
 * and drift checks all go through here, so they cannot disagree on what an event does.
 */
export async function applyEvents(
  trx: ReadDatabase,
  writer: ProjectionWriter,
  events: readonly RecordedEvent[],
): Promise<number> {
  const { projection } = writer;
  const handles = handledEvents(projection);
  const batch = new DocumentBatch(trx, writer.statements, writer.cache);
  let handled = 0;
  for (const event of events) {
    if (!handles(event)) continue;
    try {
      await projection.project(event, batch);
    } catch (error) {
      throw new ProjectionFailure(event, error);
    }
    handled++;
  }
  await batch.flush();
  return handled;
}

/** The event a projection could not apply: the run stops there, naming it. */
export class ProjectionFailure extends Error {
  constructor(
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `cannot apply ${event.type} at ${event.streamName}@${event.revision} (position ${event.position.commit}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'ProjectionFailure';
  }
}

/**
 * The embedded stores answer in promises without real I/O, so a long replay would never give the
 * event loop a turn and the API would answer nothing until it ends: every batch yields once.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
