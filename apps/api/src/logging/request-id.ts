import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A client's X-Request-Id is a claim, not a fact: it is logged and stored as the correlation id of
 * the request's events, so only a short id of safe characters (no spaces, quotes, newlines or
 * markup to forge log lines or headers with) is kept; anything else is replaced by a fresh UUID.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify and pino-http each ask for the id of the same raw request: both get the same one. */
const idsOfRequests = new WeakMap<IncomingMessage, string>();

export function requestIdOf(request: IncomingMessage): string {
  const known = idsOfRequests.get(request);
  if (known) return known;
  const claimed = request.headers[REQUEST_ID_HEADER];
  const id = typeof claimed === 'string' && ACCEPTED_REQUEST_ID.test(claimed) ? claimed : randomUUID();
  idsOfRequests.set(request, id);
  return id;
}

/**
 * The id of the HTTP request being handled, for code far from the request object: the origin of a
 * command, built in a resolver (auth.decorators.ts). Set once per request at the edge
 * (create-app.ts). Only the edge reads it: a timer a request schedules would still see it.
 */
const currentRequestIds = new AsyncLocalStorage<string>();

export function runWithRequestId<Result>(requestId: string, run: () => Result): Result {
  return currentRequestIds.run(requestId, run);
}

export function currentRequestId(): string | undefined {
  return currentRequestIds.getStore();
}
