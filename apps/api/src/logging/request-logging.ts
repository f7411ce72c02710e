import { AsyncLocalStorage } from 'node:async_hooks';
import { type FastifyInstance, LogController } from 'fastify';
import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLoggingOptions } from './pino-logger.js';
import { REQUEST_ID_HEADER, runWithRequestId } from './request-id.js';

/** pino-http's logger of the request being handled: the root one with its `reqId` bound. */
const requestLoggers = new AsyncLocalStorage<Logger>();

type NestLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's Logger, everywhere, as lines of pino: the request's logger within a request (so each line
 * carries its `reqId`), this application's root logger outside one. Written here rather than taken
 * from nestjs-pino, which needs Node 22.12 and keeps its root logger in a process-wide singleton
 * (the first application's: tests open several per process, each with its own destination).
 */
export class RequestScopedNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...context: unknown[]): void {
    this.write('info', message, context);
  }
  fatal(message: unknown, ...context: unknown[]): void {
    this.write('fatal', message, context);
  }
  error(message: unknown, ...context: unknown[]): void {
    this.write('error', message, context);
  }
  warn(message: unknown, ...context: unknown[]): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, ...context: unknown[]): void {
    this.write('trace', message, context);
  }

  private write(level: NestLogLevel, message: unknown, context: unknown[]): void {
    const logger = requestLoggers.getStore() ?? this.root;
    // Nest passes its context (the class name) last.
    const nestContext = typeof context[context.length - 1] === 'string' ? context[context.length - 1] : undefined;
    if (message instanceof Error) logger[level]({ err: message, context: nestContext }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level]({ ...message, context: nestContext });
    else logger[level]({ context: nestContext }, String(message));
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
 * Fastify directly (a Nest middleware ran for none of them under this adapter).
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
