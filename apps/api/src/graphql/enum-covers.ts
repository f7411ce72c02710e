/**
 * The API's enums carry the read model's own strings as values, so documents go out as they are.
 * GraphQL cannot serialise a value its enum lacks: each enum is checked to cover every value of
 * the read model (`true satisfies Covers<...>`), and a new one fails to compile instead of failing a query.
 */
export type Covers<EnumValues extends string, ReadModelValues extends string> = [
  Exclude<ReadModelValues, EnumValues>,
] extends [never]
  ? true
  : never;
