/**
 * The API's own refusals (not the domain's): each becomes a GraphQL error whose `extensions.code`
 * is the code, with the message as written here. Domain refusals keep their own codes.
 */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'STALE_READ'
  | 'REPLAY_TOO_LONG'
  | 'SERVICE_UNAVAILABLE'
  /** Too many broad searches running and waiting in this process: retry in a moment. */
  | 'SEARCH_BUSY'
  /** A search that would read more than its budget: search for a longer or more specific term. */
  | 'SEARCH_TOO_BROAD'
  | 'INTERNAL_SERVER_ERROR';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Safe to show the caller: field names, limits, positions. Never secrets, tokens or internals. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One field of an input that class-validator (or GraphQL coercion) refused. */
export interface FieldProblem {
  /** Dotted path inside the argument, e.g. `text` or `filter.updatedAfter`. */
  readonly field: string;
  readonly messages: readonly string[];
}

export function badUserInput(fields: readonly FieldProblem[]): ApiError {
  const summary = fields.map((field) => field.messages.join('; ')).join('; ');
  return new ApiError('BAD_USER_INPUT', `Invalid input: ${summary}`, { fields });
}
