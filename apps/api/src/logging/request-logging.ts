import { AsyncLocalStorage } from 'node:async_hooks';
import { type FastifyInstance, LogController } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLoggingOptions } from './pino-logger.js';
import { REQUEST_ID_HEADER, runWithRequestId } from './request-id.js';

/** pino-http's logger of the request being handled: the root one with its `reqId` bound. */
const requestLoggers = new AsyncLocalStorage<Logger>();

/**
 * What nestjs-pino's Logger writes through, for Nest's Logger everywhere: the request's logger
 * within a request, this application's root logger outside one. nestjs-pino would take both from
 * a process-wide singleton, the first application's, and tests open several per process, each
 * with its own destination.
 */
export class ApplicationPinoLogger extends PinoLogger {
  constructor(private readonly root: Logger) {
    super({ pinoHttp: { logger: root, autoLogging: false } });
  }

  override get logger(): Logger {
    return requestLoggers.getStore() ?? this.root;
  }
}

/**
 * Fastify's own line per request (incoming, completed, not found) would repeat pino-http's; its lines
 * of what went wrong (errors of routes registered on Fastify directly, broken streams) stay.
 */
export class ErrorsOnlyLogController extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(): void {}
  override routeNotFound(): void {}
}

/**
 * The first onRequest hook, so it covers every route: Nest's, Mercurius's and those registered on
 * Fastify directly (a Nest middleware, nestjs-pino's way, ran for none of them under this adapter).
 * Per request: the id echoed in X-Request-Id; pino-http's line when the response is finished; and,
 * for the code that handles the request, its id (request-id.ts) and its logger, so every line of
 * Nest's Logger meanwhile carries it as `reqId`.
 */
export function useRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  const logRequest = pinoHttp(requestLoggingOptions(logger));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    logRequest(request.raw, reply.raw);
    requestLoggers.run(request.raw.log, () => runWithRequestId(request.id, done));
  });
}
