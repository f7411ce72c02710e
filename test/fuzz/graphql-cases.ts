import { type GraphQLField, type GraphQLObjectType, type GraphQLSchema, getNamedType, isObjectType } from 'graphql';
import { type Json, mutateJson, nastyString, randomText } from './nasty-values.js';
import type { Random } from './random.js';
import { type KnownValues, valueFor } from './graphql-values.js';

export interface GraphqlCase {
  readonly description: string;
  readonly method: 'POST' | 'GET';
  readonly url: string;
  readonly payload?: string;
  readonly contentType?: string;
  /** Which bearer token goes with it. */
  readonly caller: 'acme-all-roles' | 'acme-agent' | 'globex-all-roles' | 'none' | 'garbage';
  /** The root field an operation case asks for, and whether it may write. */
  readonly field?: { readonly name: string; readonly mutation: boolean };
  /** A hostile request's documented refusal: its status and, when the limits refuse it, its code. */
  readonly refusal?: { readonly status: number; readonly code?: string };
}

type RootField = { readonly field: GraphQLField<unknown, unknown>; readonly mutation: boolean };

/** An operation on one root field with fuzzed arguments (70%), or a hostile request of another kind. */
export function graphqlCase(random: Random, schema: GraphQLSchema, known: KnownValues): GraphqlCase {
  const caller = random.weighted<GraphqlCase['caller']>([
    [85, 'acme-all-roles'],
    [5, 'acme-agent'],
    [5, 'globex-all-roles'],
    [3, 'none'],
    [2, 'garbage'],
  ]);
  return random.chance(0.75) ? operationCase(random, schema, known, caller) : hostileRequest(random, caller);
}

function operationCase(
  random: Random,
  schema: GraphQLSchema,
  known: KnownValues,
  caller: GraphqlCase['caller'],
): GraphqlCase {
  const roots: RootField[] = [
    ...fieldsOf(schema.getQueryType(), false),
    ...fieldsOf(schema.getMutationType(), true),
  ].filter(({ field }) => field.args.length > 0 || random.chance(0.2));
  const { field, mutation } = random.pick(roots);
  const args = field.args.filter((arg) => arg.type.toString().endsWith('!') || random.chance(0.7));
  let variables: Json = Object.fromEntries(args.map((arg) => [arg.name, valueFor(arg.type, random, known)]));
  const mutations = random.weighted([
    [6, 0],
    [3, 1],
    [1, 3],
  ]);
  for (let round = 0; round < mutations; round++) variables = mutateJson(variables, random);
  // Sometimes a declared type that is not the argument's: refused by validation, before any resolver.
  const declared = (type: string) =>
    random.chance(0.05) ? random.pick(['Int', 'String!', '[ID!]!', 'Boolean']) : type;
  const definitions = args.map((arg) => `$${arg.name}: ${declared(arg.type.toString())}`).join(', ');
  const uses = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  const operation = `${mutation ? 'mutation' : 'query'}${definitions ? ` (${definitions})` : ''} { ${field.name}${uses ? `(${uses})` : ''}${selection} }`;
  return {
    description: `${field.name} with ${mutations} mutation(s) of its variables`,
    method: 'POST',
    url: '/graphql',
    payload: JSON.stringify({ query: operation, variables }),
    contentType: 'application/json',
    caller,
    field: { name: field.name, mutation },
  };
}

function hostileRequest(random: Random, caller: GraphqlCase['caller']): GraphqlCase {
  const post = (
    description: string,
    payload: string,
    refusal: GraphqlCase['refusal'],
    contentType = 'application/json',
  ): GraphqlCase => ({
    ...{ description, method: 'POST', url: '/graphql', payload, contentType, caller, refusal },
  });
  const query = (text: string) => JSON.stringify({ query: text });
  // Without a valid token, a document other than the small serviceHealth query is refused before
  // it is parsed (graphql/request-budget.ts): 401 UNAUTHENTICATED, whatever the document's fault.
  // Refusals of the HTTP request itself (415, 413, a body that is not JSON) come first.
  const anonymous = caller === 'none' || caller === 'garbage';
  const gated = (refusal: GraphqlCase['refusal']) => (anonymous ? { status: 401, code: 'UNAUTHENTICATED' } : refusal);
  const invalid = gated({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED' });
  return random.pick<() => GraphqlCase>([
    () =>
      post(
        'an introspection tower',
        query(`{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } } }`),
        gated({ status: 400, code: 'QUERY_TOO_DEEP' }),
      ),
    // Each page of 100 tickets with 3 fields costs 302: 40 of them are over the budget of 10,000
    // (and over the 30 aliases of GRAPHQL_MAX_ALIASES, refused with the same code before validation).
    () =>
      post(
        'aliases of big pages',
        query(
          `{ ${Array.from({ length: random.int(40, 60) }, (_, i) => `p${i}: tickets(first: 100) { nodes { id preview contactPhone } }`).join(' ')} }`,
        ),
        gated({ status: 400, code: 'QUERY_TOO_COMPLEX' }),
      ),
    () =>
      post(
        'a fragment cycle',
        query('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
        invalid,
      ),
    () => post('syntax garbage', query(`{ ${randomText(random, random.int(1, 200))}`), gated({ status: 400 })),
    () =>
      post(
        'an unknown field',
        query(
          `{ ${random.pick(['nope', 'tickets { nope }', '__schema { nope }', 'serviceHealth(x: 1) { healthy }'])} }`,
        ),
        invalid,
      ),
    () =>
      post('a body over 1 MiB', query(`{ serviceHealth { healthy } } #${'x'.repeat(1024 * 1024)}`), {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      }),
    () =>
      post('not JSON', random.pick(['{"query": ', '{', nastyString(random).replace(/^[[{"]/, '') || 'x']), {
        status: 400,
      }),
    () =>
      post(
        'variables that are not an object',
        JSON.stringify({
          query: 'query ($f: Int) { tickets(first: $f) { totalCount } }',
          variables: random.pick<Json>([[1], 'x', 3]),
        }),
        { status: 400 },
      ),
    () =>
      post(
        'a batch',
        JSON.stringify([{ query: '{ serviceHealth { healthy } }' }, { query: '{ tickets { totalCount } }' }]),
        { status: 400 },
      ),
    // GraphQL refuses it at execution (no data, HTTP 200), not at validation.
    () =>
      post(
        'two operations and no name',
        query('query A { serviceHealth { healthy } } query B { views { id } }'),
        gated({ status: 200, code: 'GRAPHQL_VALIDATION_FAILED' }),
      ),
    () =>
      post(
        'a content type without a parser',
        '{ serviceHealth { healthy } }',
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
        random.pick(['application/xml', 'image/png', 'multipart/mixed']),
      ),
    // What a cross-site page can send without a preflight: refused before it is parsed.
    () =>
      post(
        'a form instead of JSON',
        new URLSearchParams({
          query: random.pick(['{ serviceHealth { healthy } }', '{ tickets { totalCount } }', nastyString(random)]),
        }).toString(),
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
        random.pick(['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']),
      ),
    () => ({
      ...{
        description: 'a mutation over GET',
        method: 'GET',
        caller,
        refusal: gated({ status: 405, code: 'METHOD_NOT_ALLOWED' }),
      },
      url: `/graphql?query=${encodeURIComponent('mutation { createContact(input: { name: "x" }) { contactId } }')}`,
    }),
  ])();
}

function fieldsOf(type: GraphQLObjectType | null | undefined, mutation: boolean): RootField[] {
  return Object.values(type?.getFields() ?? {}).map((field) => ({ field, mutation }));
}
