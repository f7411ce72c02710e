/** A page cursor is opaque to clients: the sort key of the last row, as base64url JSON. */
export function encodeCursor(sortKey: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(sortKey)).toString('base64url');
}

export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor: pass a pageInfo.endCursor (or endCursor) exactly as it was returned');
    this.name = 'InvalidCursorError';
  }
}

type Shape = readonly ('string' | 'number')[];
type Decoded<S extends Shape> = { -readonly [K in keyof S]: S[K] extends 'string' ? string : number };

/** The sort key back, checked against the shape the query expects; anything else is refused. */
export function decodeCursor<S extends Shape>(cursor: string, shape: S): Decoded<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const fits =
    Array.isArray(parsed) &&
    parsed.length === shape.length &&
    parsed.every((part, index) => (shape[index] === 'number' ? Number.isSafeInteger(part) : typeof part === 'string'));
  if (!fits) throw new InvalidCursorError();
  return parsed as Decoded<S>;
}
