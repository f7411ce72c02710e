import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Options } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { LogLevel } from '@helpdesk/config';
import { graphqlOperationOf } from './graphql-operation.js';
import { requestIdOf } from './request-id.js';

/** Header and field names that may carry secrets; pino replaces their values before anything is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.accessToken',
];

/**
 * Query parameters whose values are secrets: Meta's handshake (GET /webhooks/whatsapp) carries
 * WHATSAPP_VERIFY_TOKEN as `hub.verify_token`; the others are the usual names of tokens in URLs.
 */
const SECRET_QUERY_PARAMETERS = new Set(['hub.verify_token', 'verify_token', 'access_token', 'token']);

/**
 * A URL as a log line may show it: the value of every secret query parameter replaced, its name
 * compared decoded (`hub%2Everify%5Ftoken` is the same parameter to the query-string parser).
 */
export function redactedUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const parameters = url
    .slice(question + 1)
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      const name = equals < 0 ? parameter : parameter.slice(0, equals);
      return SECRET_QUERY_PARAMETERS.has(decoded(name).trim().toLowerCase()) ? `${name}=[redacted]` : parameter;
    });
  return `${url.slice(0, question)}?${parameters.join('&')}`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** What pino-http's request serializer hands over (the raw request is not needed). */
interface LoggedRequest {
  readonly id?: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

/**
 * Method, URL (redacted) and address only: no headers at all (Authorization, cookies, signatures)
 * and no parsed `query` (which pino-http adds, and which would show the verify token unredacted).
 */
function serializeRequest(request: LoggedRequest) {
  return {
    id: request.id,
    method: request.method,
    url: typeof request.url === 'string' ? redactedUrl(request.url) : request.url,
    remoteAddress: request.remoteAddress,
    remotePort: request.remotePort,
  };
}

/** The status code only: response headers say nothing a reader of the logs needs. */
function serializeResponse(response: { readonly statusCode?: number }) {
  return { statusCode: response.statusCode };
}

export interface RootLoggerOptions {
  readonly level: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON: NODE_ENV=development only. */
  readonly pretty: boolean;
  /** stdout unless given (tests capture the lines); given, it wins over `pretty`. */
  readonly destination?: DestinationStream;
}

/** The one pino logger of the process: Fastify, Nest and the request logs all write through it. */
export function createRootLogger({ level, pretty, destination }: RootLoggerOptions): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'helpdesk-api' },
  };
  if (destination) return pino(options, destination);
  // In the main thread rather than as a transport's worker: it is for a developer's terminal only.
  return pretty ? pino(options, pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l' })) : pino(options);
}

/**
 * pino-http's options: the request id (the client's X-Request-Id when acceptable, see request-id.ts)
 * on every line logged while the request is handled, as `reqId`; one line when it completes, with
 * the GraphQL operation it ran, if any.
 */
export function requestLoggingOptions(logger: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger,
    genReqId: (request) => requestIdOf(request),
    quietReqLogger: true,
    serializers: { req: serializeRequest, res: serializeResponse },
    customSuccessObject: (request, _response, value) => withGraphqlOperation(request, value),
    customErrorObject: (request, _response, _error, value) => withGraphqlOperation(request, value),
  };
}

function withGraphqlOperation(request: IncomingMessage, value: object): object {
  const graphql = graphqlOperationOf(request);
  return graphql ? { ...value, graphql } : value;
}
