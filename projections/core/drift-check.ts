import { sql } from 'kysely';
import { Projection, physicalTableName } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

/** One read-model row as stored: its id and its document as JSON text. */
export interface ReadModelRow {
  readonly id: string;
  readonly document: string;
}

/** Every row of every table of one projection, by logical table name. */
export type ReadModelSnapshot = Readonly<Record<string, readonly ReadModelRow[]>>;

export interface DocumentDifference {
  /** A JSON path such as `$.preview` or `$.tags[1]`. */
  readonly path: string;
  /** JSON text, or `(absent)`. */
  readonly expected: string;
  readonly actual: string;
}

export interface TableDrift {
  readonly table: string;
  readonly expectedRows: number;
  readonly actualRows: number;
  /** Ids in `expected` but not in `actual` (sorted). */
  readonly missing: readonly string[];
  /** Ids in `actual` but not in `expected` (sorted). */
  readonly extra: readonly string[];
  /** Ids in both whose documents differ (sorted). */
  readonly differing: readonly string[];
  /** The first differing document's differences (at most `maxDifferences`). */
  readonly firstDifference: { readonly id: string; readonly differences: readonly DocumentDifference[] } | null;
}

export interface DriftReport {
  readonly equal: boolean;
  /** One entry per table, in the order of `expected`'s tables then any others. */
  readonly tables: readonly TableDrift[];
}

const ABSENT = '(absent)';

/**
 * Compares two read models row by row: rows are matched by id (order does not matter), and
 * documents are compared as JSON values (key order does not matter). `expected` is the rebuilt
 * model, `actual` the stored one: "missing" rows are ones the stored model lacks.
 */
export function compareReadModels(
  expected: ReadModelSnapshot,
  actual: ReadModelSnapshot,
  maxDifferences = 10,
): DriftReport {
  const tableNames = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const tables = tableNames.map((table) =>
    compareTable(table, expected[table] ?? [], actual[table] ?? [], maxDifferences),
  );
  const equal = tables.every(
    (table) => table.missing.length === 0 && table.extra.length === 0 && table.differing.length === 0,
  );
  return { equal, tables };
}

function compareTable(
  table: string,
  expected: readonly ReadModelRow[],
  actual: readonly ReadModelRow[],
  maxDifferences: number,
): TableDrift {
  const expectedById = byId(expected);
  const actualById = byId(actual);
  const missing: string[] = [];
  const differing: string[] = [];
  for (const [id, document] of expectedById) {
    const other = actualById.get(id);
    if (other === undefined) missing.push(id);
    else if (canonicalJson(parse(document)) !== canonicalJson(parse(other))) differing.push(id);
  }
  const extra = [...actualById.keys()].filter((id) => !expectedById.has(id));
  missing.sort();
  extra.sort();
  differing.sort();
  const first = differing[0];
  const firstDifference =
    first === undefined
      ? null
      : {
          id: first,
          differences: diffJson(parse(expectedById.get(first)!), parse(actualById.get(first)!), '$').slice(
            0,
            maxDifferences,
          ),
        };
  return {
    table,
    expectedRows: expected.length,
    actualRows: actual.length,
    missing,
    extra,
    differing,
    firstDifference,
  };
}

function byId(rows: readonly ReadModelRow[]): Map<string, string> {
  return new Map(rows.map((row) => [row.id, row.document]));
}

/** A document that is not valid JSON is compared as the string it is. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** JSON with object keys sorted, so key order never counts as drift. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The paths at which two JSON values differ, depth first, keys in sorted order. */
export function diffJson(expected: unknown, actual: unknown, path = '$'): DocumentDifference[] {
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in actual)) return [{ path: child, expected: canonicalJson(expected[key]), actual: ABSENT }];
      if (!(key in expected)) return [{ path: child, expected: ABSENT, actual: canonicalJson(actual[key]) }];
      return diffJson(expected[key], actual[key], child);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    const differences: DocumentDifference[] = [];
    for (let index = 0; index < length; index++) {
      const child = `${path}[${index}]`;
      if (index >= actual.length)
        differences.push({ path: child, expected: canonicalJson(expected[index]), actual: ABSENT });
      else if (index >= expected.length)
        differences.push({ path: child, expected: ABSENT, actual: canonicalJson(actual[index]) });
      else differences.push(...diffJson(expected[index], actual[index], child));
    }
    return differences;
  }
  const [left, right] = [canonicalJson(expected), canonicalJson(actual)];
  return left === right ? [] : [{ path, expected: left, actual: right }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads every row (id, document) of a projection's tables; a table that does not exist reads as empty. */
export async function snapshotReadModel(
  db: ReadDatabase,
  projection: Projection,
): Promise<Record<string, ReadModelRow[]>> {
  const snapshot: Record<string, ReadModelRow[]> = {};
  for (const table of projection.tables) {
    const name = physicalTableName(projection, table.name);
    try {
      const { rows } = await sql<ReadModelRow>`SELECT id, document FROM ${sql.table(name)}`.execute(db);
      snapshot[table.name] = rows.map((row) => ({ id: String(row.id), document: String(row.document) }));
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      snapshot[table.name] = [];
    }
  }
  return snapshot;
}

/** SQLite: "no such table"; PostgreSQL: undefined_table (42P01). */
export function isMissingTable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && /no such table/i.test(message));
}
