import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  type ValidationRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { AppConfig, EdgeLimitsConfig } from '@helpdesk/config';
import { type AuthenticatedUser, InvalidAccessToken, readAccessToken } from '@helpdesk/auth';
import { QUERY_LIMITS } from '../query-limits/query-limits.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { accessTokenKeysOf } from '../auth/access-token-keys.js';
import type { KnownDocuments } from './document-cache.js';

/**
 * The budget of a GraphQL document, checked in Mercurius's preParsing hook, that is before
 * Mercurius parses, caches or validates anything:
 *
 * 1. A caller without a valid bearer token may only run a small `serviceHealth` query
 *    (ANONYMOUS_DOCUMENT_LENGTH characters, ANONYMOUS_TOKENS tokens). Anything else is refused
 *    with 401 UNAUTHENTICATED, having read at most ANONYMOUS_TOKENS tokens of it: no introspection,
 *    no validation, nothing cached.
 * 2. Any other document: its length (GRAPHQL_MAX_DOCUMENT_LENGTH) before parsing, its tokens
 *    (GRAPHQL_MAX_TOKENS) while parsing (graphql-js stops at the first token over), then its fields
 *    (GRAPHQL_MAX_FIELDS), aliases (GRAPHQL_MAX_ALIASES) and field nesting counted on the parsed
 *    document in one walk of what was written, fragments counted once, not expanded: bounded work.
 *    Over a limit is 400 QUERY_TOO_COMPLEX (or QUERY_TOO_DEEP) with `limit`, `count` and `max`.
 * 3. A syntax error is answered here (400 GRAPHQL_PARSE_FAILED), so Mercurius never falls back to
 *    reading the "query" as a JSON syntax tree, which would skip every count above.
 *
 * 4. With the document cache on (GRAPHQL_DOCUMENT_CACHE_MB, document-cache.ts), the document is
 *    validated here too, exactly as Mercurius would (graphql's rules and query-limits/), and an
 *    invalid one is refused here with Mercurius's own answer, so Mercurius (which caches what it
 *    validates) only ever sees valid documents. The text of a document that passed is remembered:
 *    the next request with the same text skips parsing, counting and validating (its shape cannot
 *    have changed), but never authentication or the token-less rules, which run every time.
 *
 * Validation (depth and cost with fragments expanded, query-limits/) then runs on a document whose
 * size is bounded, so no request holds the event loop for long. A refused document is never kept,
 * by us or by Mercurius; with the cache off, nothing of an answered one is kept either.
 */
export const ANONYMOUS_DOCUMENT_LENGTH = 512;
export const ANONYMOUS_TOKENS = 64;
/**
 * Fields nested deeper than this as written are refused before validation. It is far above every
 * budget of query-limits/ (8, and 20 for introspection), whose rule refuses the usual towers with
 * its own message; this only keeps absurd nesting (a thousand levels fit in the token budget) away
 * from validation's recursive walks.
 */
export const MAX_WRITTEN_DEPTH = 3 * Math.max(QUERY_LIMITS.maxDepth, QUERY_LIMITS.maxIntrospectionDepth);

/** The root fields a caller without a token may ask for. */
const ANONYMOUS_ROOT_FIELDS = new Set(['serviceHealth', '__typename']);

export type DocumentLimits = Pick<EdgeLimitsConfig, 'maxDocumentLength' | 'maxTokens' | 'maxFields' | 'maxAliases'>;

/** Mercurius reads `originalError.statusCode` as the HTTP status of an error raised before execution. */
function refusal(
  message: string,
  statusCode: number,
  extensions: Record<string, unknown>,
  at?: GraphQLError,
): GraphQLError {
  return new GraphQLError(message, {
    ...(at && { source: at.source, positions: at.positions }),
    extensions,
    originalError: Object.assign(new Error(message), { statusCode }),
  });
}

/** `count` unknown when the parser stopped at the first token over the limit. */
function tooComplex(limit: string, max: number, what: string, count?: number): GraphQLError {
  const message =
    count === undefined
      ? `The document has more than ${max} ${what}`
      : `The document has ${count} ${what}, over the limit of ${max}`;
  return refusal(message, 400, { code: 'QUERY_TOO_COMPLEX', limit, ...(count !== undefined && { count }), max });
}

/** Parses within a token budget; a syntax error is the client's (400), the token budget is a limit. */
function parseWithin(
  source: string,
  maxTokens: number,
  onTooManyTokens: () => GraphQLError,
  locations: boolean,
): DocumentNode {
  try {
    return parse(source, { maxTokens, noLocation: !locations });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    if (error.message.includes('tokens. Parsing aborted')) throw onTooManyTokens();
    throw refusal(error.message, 400, {}, error);
  }
}

/**
 * The document's written shape: every field (a fragment spread counts as one), alias and nesting
 * level, fragments as written. Validation's field merging compares the fields of a selection set
 * pairwise, so its cost grows with the square of this count: 200 identical fields took about
 * 20 ms warm (78 ms cold), 500 about 330 ms (graphql 16, a loaded 2-core machine).
 */
export function measureWritten(document: DocumentNode): { fields: number; aliases: number; depth: number } {
  let fields = 0;
  let aliases = 0;
  let depth = 0;
  // An explicit stack: a document nested thousands deep must not need a deep call stack.
  const stack: [SelectionSetNode, number][] = [];
  for (const definition of document.definitions) {
    if ('selectionSet' in definition && definition.selectionSet) stack.push([definition.selectionSet, 0]);
  }
  while (stack.length > 0) {
    const [selectionSet, level] = stack.pop()!;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        fields++;
        if (selection.alias) aliases++;
        depth = Math.max(depth, level + 1);
        if (selection.selectionSet) stack.push([selection.selectionSet, level + 1]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        stack.push([selection.selectionSet, level]);
      } else {
        // A spread merges a fragment's fields into this selection: validation compares them too.
        fields++;
      }
    }
  }
  return { fields, aliases, depth };
}

/**
 * Refuses a document over its budget; returns it parsed when it may go on to Mercurius (with
 * locations if asked, for the validation errors of a document refused here).
 */
export function checkDocumentBudget(source: string, limits: DocumentLimits, locations = false): DocumentNode {
  if (source.length > limits.maxDocumentLength) {
    throw tooComplex('length', limits.maxDocumentLength, 'characters', source.length);
  }
  const document = parseWithin(
    source,
    limits.maxTokens,
    () => tooComplex('tokens', limits.maxTokens, 'tokens'),
    locations,
  );
  const written = measureWritten(document);
  if (written.fields > limits.maxFields) throw tooComplex('fields', limits.maxFields, 'fields', written.fields);
  if (written.aliases > limits.maxAliases) throw tooComplex('aliases', limits.maxAliases, 'aliases', written.aliases);
  if (written.depth > MAX_WRITTEN_DEPTH) {
    throw refusal(
      `Query depth ${written.depth} exceeds the limit of ${MAX_WRITTEN_DEPTH}: ask for fewer nested fields`,
      400,
      {
        code: 'QUERY_TOO_DEEP',
        depth: written.depth,
        maxDepth: MAX_WRITTEN_DEPTH,
      },
    );
  }
  return document;
}

/**
 * Whether a caller without a token may run this document: one unnamed-or-named query, no
 * variables, directives, aliases, arguments or fragments, selecting only `serviceHealth` (and its
 * fields) or `__typename`. Never parses more than ANONYMOUS_TOKENS tokens.
 */
export function isAnonymousDocument(source: string): boolean {
  if (source.length > ANONYMOUS_DOCUMENT_LENGTH) return false;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: ANONYMOUS_TOKENS, noLocation: true });
  } catch {
    return false;
  }
  if (document.definitions.length !== 1) return false;
  const [operation] = document.definitions;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return false;
  if (operation.variableDefinitions?.length || operation.directives?.length) return false;
  return plain(operation.selectionSet, ANONYMOUS_ROOT_FIELDS);
}

/** Only fields, without aliases, arguments or directives, all the way down; at the root, only `roots`. */
function plain(selectionSet: SelectionSetNode | undefined, roots?: ReadonlySet<string>): boolean {
  if (!selectionSet) return true;
  return selectionSet.selections.every(
    (selection) =>
      selection.kind === Kind.FIELD &&
      (!roots || roots.has(selection.name.value)) &&
      !selection.alias &&
      !selection.arguments?.length &&
      !selection.directives?.length &&
      plain(selection.selectionSet),
  );
}

/** The caller of an HTTP request, from its bearer token; null without a valid one. */
export async function callerOf(
  authorization: string | string[] | undefined,
  config: AppConfig,
  clock: Clock,
): Promise<{ user: AuthenticatedUser | null; problem: string }> {
  const token = typeof authorization === 'string' ? /^Bearer +(\S+) *$/i.exec(authorization)?.[1] : undefined;
  if (!token) return { user: null, problem: 'A bearer token is required (Authorization: Bearer <token>)' };
  try {
    return { user: await readAccessToken(token, accessTokenKeysOf(config), clock.now()), problem: '' };
  } catch (error) {
    if (error instanceof InvalidAccessToken) return { user: null, problem: error.message };
    throw error;
  }
}

export interface HookContext {
  readonly reply?: { readonly request: { readonly headers: Record<string, string | string[] | undefined> } };
}

/** The cache of valid documents' text, and the rules Mercurius validates with (app.module.ts). */
export interface ValidDocuments {
  readonly known: KnownDocuments;
  readonly validationRules: readonly ValidationRule[];
  /** Told of each document parsed here, before validation (the request log notes its operation). */
  readonly onParsed?: (schema: GraphQLSchema, document: DocumentNode, context: HookContext) => Promise<void>;
}

/**
 * What Mercurius throws for an invalid document (MER_ERR_GQL_VALIDATION), so that one refused
 * here gets the same answer: its errors, 400 when there is one.
 */
function invalidDocument(errors: readonly GraphQLError[]): Error {
  return Object.assign(new Error('Graphql validation error'), {
    code: 'MER_ERR_GQL_VALIDATION',
    statusCode: 400,
    errors,
  });
}

/**
 * Mercurius's preParsing hook for HTTP operations (GET and POST): authentication, then the
 * document's budget, before Mercurius parses it; with `valid` (the document cache on), validation
 * too, skipped with the budget for a text that already passed both.
 */
export function documentGate(config: AppConfig, clock: Clock, valid?: ValidDocuments) {
  return async (schema: GraphQLSchema, source: string, context: HookContext): Promise<void> => {
    const { user, problem } = await callerOf(context.reply?.request.headers.authorization, config, clock);
    // Every time, cached or not: who may send what is the caller's, not the document's.
    if (!user && !isAnonymousDocument(source)) throw refusal(problem, 401, { code: 'UNAUTHENTICATED' });
    if (!valid) {
      if (user) checkDocumentBudget(source, config.edge);
      return;
    }
    if (valid.known.has(source)) return;
    // A token-less document is the small serviceHealth query isAnonymousDocument let through.
    const document = user
      ? checkDocumentBudget(source, config.edge, true)
      : parse(source, { maxTokens: ANONYMOUS_TOKENS });
    await valid.onParsed?.(schema, document, context);
    const errors = validate(schema, document, [...specifiedRules, ...valid.validationRules]);
    if (errors.length > 0) throw invalidDocument(errors);
    valid.known.add(source);
  };
}

/** Mercurius's preSubscriptionParsing hook: the same budget for documents sent over a WebSocket. */
export function subscriptionDocumentGate(config: AppConfig) {
  return async (_schema: unknown, source: string): Promise<void> => {
    checkDocumentBudget(source, config.edge);
  };
}
