import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLoggingOptions } from './pino-logger.js';
import { REQUEST_ID_HEADER, runWithRequestId } from './request-id.js';

/**
 * The first onRequest hook, so it covers every route: Nest's, Mercurius's and those registered on
 * Fastify directly (a Nest middleware, nestjs-pino's way, ran for none of them under this adapter).
 * Per request: the id echoed in X-Request-Id; pino-http's line when the response is finished; and,
 * for the code that handles the request, its id (request-id.ts) and, once Nest's logger is given,
 * a logging context in which every line of Nest's Logger carries it as `reqId`.
 * Answers the function that gives Nest's logger (known only once the application exists).
 */
export function useRequestLogging(fastify: FastifyInstance, logger: Logger): (nestLogs: PinoLogger) => void {
  const logRequest = pinoHttp(requestLoggingOptions(logger));
  let nestLogs: PinoLogger | undefined;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    logRequest(request.raw, reply.raw);
    const handle = () => runWithRequestId(request.id, done);
    if (nestLogs) nestLogs.runInContext(handle, { bindings: { reqId: request.id } });
    else handle();
  });
  return (given) => {
    nestLogs = given;
  };
}
