import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** RFC 3339 with an explicit offset: a date without a zone would mean a different instant per server. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
/** What `toISOString` writes, as the read models keep every instant: answered as it is, without parsing it again. */
const CANONICAL_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * Instants as the read models keep them: ISO-8601 strings in UTC, which compare and sort as text.
 * Input accepts any RFC 3339 offset and is normalised to UTC; a value that is not one is refused
 * before the resolver runs (BAD_USER_INPUT).
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An instant, RFC 3339 / ISO-8601 with an offset, e.g. 2024-11-01T09:30:00.000Z. Answers are in UTC.',
  serialize(value) {
    if (typeof value === 'string' && CANONICAL_UTC.test(value)) return value;
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError('DateTime cannot represent a non-string value', { nodes: ast });
    return parseInstant(ast.value);
  },
});

function parseInstant(value: unknown): string {
  const millis = typeof value === 'string' && RFC_3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(millis))
    throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}: expected e.g. 2024-11-01T09:30:00Z`);
  return new Date(millis).toISOString();
}
