import { CompiledQuery } from 'kysely';
import type { Document, Projection, TableSpec, TableNames } from './projection.js';
import { type ReadDatabase, isPostgres } from './read-model-schema.js';

/**
 * SQLite runs kept (prepared) statements, so rows go in fixed-size chunks (one statement text per
 * table) and the rest one by one; PostgreSQL pays a round trip per statement, so as many rows as
 * its 65,535 parameters allow go in one.
 */
const SQLITE_ROWS_PER_UPSERT = 64;
const POSTGRES_ROWS_PER_UPSERT = 1_000;

/**
 * The statements a batch runs on a projection's tables, as SQL text written once per table and
 * row count: no query builder or compiler per document, and the same text every time, which the
 * SQLite read store's statement cache then prepares only once.
 */
export class DocumentStatements {
  private readonly texts = new Map<string, string>();
  private readonly postgres: boolean;
  private readonly specs: ReadonlyMap<string, TableSpec>;

  constructor(
    db: ReadDatabase,
    private readonly projection: Projection,
    private readonly names: TableNames,
  ) {
    this.postgres = isPostgres(db);
    this.specs = new Map(projection.tables.map((table) => [table.name, table]));
  }

  async read(db: ReadDatabase, table: string, id: string): Promise<Document | null> {
    const text = this.text(
      `select:${table}`,
      () => `SELECT document FROM ${this.quoted(table)} WHERE id = ${this.parameter(1)}`,
    );
    const { rows } = await db.executeQuery<{ document: string }>(CompiledQuery.raw(text, [id]));
    return rows.length === 0 ? null : (JSON.parse(rows[0].document) as Document);
  }

  async delete(db: ReadDatabase, table: string, id: string): Promise<void> {
    const text = this.text(
      `delete:${table}`,
      () => `DELETE FROM ${this.quoted(table)} WHERE id = ${this.parameter(1)}`,
    );
    await db.executeQuery(CompiledQuery.raw(text, [id]));
  }

  /** Inserts or replaces the documents, their indexed columns alongside. */
  async upsert(db: ReadDatabase, table: string, documents: readonly (readonly [string, Document])[]): Promise<void> {
    const columns = Object.keys(this.specs.get(table)!.columns);
    const chunk = this.postgres ? POSTGRES_ROWS_PER_UPSERT : SQLITE_ROWS_PER_UPSERT;
    let start = 0;
    for (; start + chunk <= documents.length; start += chunk)
      await this.upsertRows(db, table, columns, documents.slice(start, start + chunk));
    if (this.postgres && start < documents.length) return this.upsertRows(db, table, columns, documents.slice(start));
    for (; start < documents.length; start++) await this.upsertRows(db, table, columns, [documents[start]]);
  }

  private async upsertRows(
    db: ReadDatabase,
    table: string,
    columns: readonly string[],
    documents: readonly (readonly [string, Document])[],
  ): Promise<void> {
    const parameters: unknown[] = [];
    for (const [id, document] of documents) {
      const values = this.projection.columnsOf({ table, document });
      parameters.push(id, JSON.stringify(document));
      for (const column of columns) parameters.push(values[column] ?? null);
    }
    const text = this.text(`upsert:${table}:${documents.length}`, () =>
      this.upsertText(table, columns, documents.length),
    );
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }

  private upsertText(table: string, columns: readonly string[], rows: number): string {
    const all = ['id', 'document', ...columns];
    let parameter = 0;
    const tuples = Array.from({ length: rows }, () => `(${all.map(() => this.parameter(++parameter)).join(', ')})`);
    const updates = all.slice(1).map((column) => `${quote(column)} = excluded.${quote(column)}`);
    return `INSERT INTO ${this.quoted(table)} (${all.map(quote).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`;
  }

  private text(key: string, write: () => string): string {
    let text = this.texts.get(key);
    if (text === undefined) this.texts.set(key, (text = write()));
    return text;
  }

  private quoted(table: string): string {
    return quote(this.names(table));
  }

  private parameter(ordinal: number): string {
    return this.postgres ? `$${ordinal}` : '?';
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
