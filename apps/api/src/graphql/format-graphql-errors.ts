import type { GraphQLFormattedError } from 'graphql';
import mercurius from 'mercurius';
import type { FieldProblem } from './api-error.js';
import { PERSISTED_QUERY_CODES } from './persisted-queries.js';

type ErrorFormatter = NonNullable<mercurius.MercuriusCommonOptions['errorFormatter']>;

/**
 * Mercurius's `errorFormatter`: its default answer (status code, `data`, errors without stacks),
 * with a code on every error. Resolver errors already carry one (GraphqlErrorsFilter); the rest
 * come from GraphQL itself before any resolver runs: a variable or argument of the wrong shape is
 * the client's input (BAD_USER_INPUT, naming the field), the rest is a bad document.
 */
export const formatGraphqlErrors: ErrorFormatter = (execution, context) => {
  const formatted = mercurius.defaultErrorFormatter(execution, context);
  const errors = (formatted.response.errors ?? []) as readonly GraphQLFormattedError[];
  return {
    statusCode: formatted.statusCode,
    response: { ...formatted.response, errors: errors.map((error) => withCode(error, formatted.statusCode)) },
  };
};

const INPUT_PROBLEM =
  /^Variable "\$[^"]+" (got invalid value|of required type)|of required type "[^"]+" was not provided|is not defined by type|^Expected value of type|cannot represent/;

/** Refusals of the HTTP request itself, before GraphQL saw a document. */
const HTTP_REFUSALS: Readonly<Record<number, string>> = {
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function withCode(error: GraphQLFormattedError, statusCode: number | undefined): GraphQLFormattedError {
  if (typeof error.extensions?.code === 'string') return error;
  const refusal = statusCode === undefined ? undefined : HTTP_REFUSALS[statusCode];
  if (refusal) return { ...error, extensions: { ...error.extensions, code: refusal } };
  // Mercurius's persisted-query refusals, by their whole message (ours, set in persisted-queries.ts).
  const persisted = PERSISTED_QUERY_CODES[error.message];
  if (persisted) return { ...error, extensions: { ...error.extensions, code: persisted } };
  if (INPUT_PROBLEM.test(error.message)) {
    const fields = fieldsNamedIn(error.message);
    return {
      ...error,
      extensions: { ...error.extensions, ...(fields.length > 0 && { fields }), code: 'BAD_USER_INPUT' },
    };
  }
  if (error.message.startsWith('Syntax Error'))
    return { ...error, extensions: { ...error.extensions, code: 'GRAPHQL_PARSE_FAILED' } };
  // An error with a path was thrown while resolving a field, and nothing gave it a code: its text is
  // ours, not the client's business (it may name files or data), so only the code goes out.
  if (error.path) return { ...error, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  return { ...error, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } };
}

/** graphql-js names the field in its sentence: `Field "Input.text"`, `at "input.text"`, `Variable "$id"`. */
function fieldsNamedIn(message: string): FieldProblem[] {
  const fields = new Set<string>();
  for (const [, name] of message.matchAll(/Field "(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)"/g)) fields.add(name);
  for (const [, path] of message.matchAll(/ at "([^"]+)"/g)) fields.add(path.split('.').slice(1).join('.') || path);
  const variable = /^Variable "\$([^"]+)" of required type/.exec(message);
  if (variable) fields.add(variable[1]);
  return [...fields].map((field) => ({ field, messages: [message] }));
}
