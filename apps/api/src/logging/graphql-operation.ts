import type { IncomingMessage } from 'node:http';
import { type DocumentNode, getOperationAST } from 'graphql';

/** What the request log says of a GraphQL request: never its variables, only what it asked for. */
export interface LoggedGraphqlOperation {
  readonly operationType: string;
  readonly operationName: string | null;
}

/** A GraphQL name is [_A-Za-z][_0-9A-Za-z]*, but as long as the document budget allows: cut short. */
const MAX_LOGGED_NAME_LENGTH = 100;

const operationsOfRequests = new WeakMap<IncomingMessage, LoggedGraphqlOperation>();

export function graphqlOperationOf(request: IncomingMessage): LoggedGraphqlOperation | undefined {
  return operationsOfRequests.get(request);
}

interface HookContext {
  readonly reply?: {
    readonly request: { readonly raw: IncomingMessage; readonly body?: unknown; readonly query?: unknown };
  };
}

/**
 * Mercurius's preValidation hook: the parsed document's operation (the one `operationName` picks
 * when there are several), noted for the request's completion log line. Before validation, so a
 * refused document is logged with what it tried.
 */
export async function noteGraphqlOperation(_schema: unknown, document: DocumentNode, context: HookContext) {
  const request = context.reply?.request;
  if (!request) return;
  // POST carries it in the body, GET in the query string.
  const asked = ((request.body ?? request.query) as { operationName?: unknown } | undefined)?.operationName;
  const operation = getOperationAST(document, typeof asked === 'string' ? asked : undefined);
  const name = operation?.name?.value;
  operationsOfRequests.set(request.raw, {
    operationType: operation?.operation ?? 'unknown',
    operationName: name === undefined ? null : name.slice(0, MAX_LOGGED_NAME_LENGTH),
  });
}
