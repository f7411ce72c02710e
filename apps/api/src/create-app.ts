import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { AppConfig } from '@helpdesk/config';
import { AppModule, AppOverrides } from './app.module.js';
import { inputValidationFailed } from './graphql/input-validation.js';
import { useGraphiql } from './graphiql/graphiql.routes.js';
import { useInbox } from './inbox/inbox.routes.js';
import { useJsonOnlyGraphql } from './graphql/json-only-graphql.js';
import { usePersistedQueryGate } from './graphql/persisted-queries.js';
import { createRootLogger } from './logging/pino-logger.js';
import { requestIdOf } from './logging/request-id.js';
import { ErrorsOnlyLogController, RequestScopedNestLogger, useRequestLogging } from './logging/request-logging.js';
import { useMediaUploadRoute } from './media/media-upload.route.js';
import { closeRefusedConnections, limitWebSockets } from './notifications/subscription-auth.js';
import { monotonicNow } from './rate-limits/rate-limit-clock.js';
import { systemClock } from '@helpdesk/commands/shared/clock.js';
import { useBrowserOrigins } from './cors/browser-origins.js';
import { useRequestMetrics } from './metrics/request-metrics.js';
import { useRawJsonBodyRoutes } from './webhooks/raw-json-body.js';
import { startTracing } from './tracing/start-tracing.js';
import { useRequestSpans } from './tracing/request-spans.js';

/** The one way the service is assembled, shared by main.ts and the e2e tests. */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<NestFastifyApplication> {
  const logger = createRootLogger({
    level: config.logLevel,
    pretty: config.environment === 'development',
    destination: overrides.logDestination,
  });
  const adapter = new FastifyAdapter({
    // Fastify still logs what goes wrong outside Nest (errors of its own routes), with the same
    // reqId; the one line per request is pino-http's (logging/request-logging.ts).
    loggerInstance: logger,
    logController: new ErrorsOnlyLogController(),
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    ...httpTimeouts(config),
    // Fastify takes a hop count too; Nest's option type omits it.
    trustProxy: config.edge.trustProxy as boolean | string,
  });
  useRequestLogging(adapter.getInstance(), logger);
  // Off unless configured (OTEL_*): then no SDK, no hooks, and the spans made in code are no-ops.
  const tracing = await startTracing(config.tracing, overrides.spanExporter);
  if (tracing) {
    useRequestSpans(adapter.getInstance());
    adapter.getInstance().addHook('onClose', () => tracing.shutdown());
  }
  let app: NestFastifyApplication;
  try {
    await useWebSocketLimits(adapter, config);
    await useBrowserOrigins(adapter, config.cors);
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, overrides), adapter, {
      // Nest's own messages as lines of the same logger, from the start; within a request, with its id.
      logger: new RequestScopedNestLogger(logger),
      // The exact bytes as `request.rawBody`: Meta signs them, not their re-serialised JSON.
      rawBody: true,
    });
  } catch (error) {
    await tracing?.shutdown();
    throw error;
  }
  useRequestMetrics(app);
  useRawJsonBodyRoutes(app);
  useMediaUploadRoute(app);
  useJsonOnlyGraphql(app, config, overrides.clock ?? systemClock, overrides.rateLimitNow ?? monotonicNow);
  usePersistedQueryGate(app, config, overrides.clock ?? systemClock);
  useGraphiql(app, config);
  useInbox(app, overrides.inboxDir);
  // The refused fields by path, for GraphQL's BAD_USER_INPUT; HTTP routes get Nest's usual 400 body.
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: inputValidationFailed,
    }),
  );
  app.enableShutdownHooks();
  return app;
}

/**
 * HTTP_CONNECTION_TIMEOUT_MS: a socket idle that long is closed. HTTP_REQUEST_TIMEOUT_MS: a request
 * (headers and body) must have arrived whole by then, or it is answered 408 and its connection
 * closed, however slowly its bytes trickle in. Node checks pending requests every
 * `connectionsCheckingInterval`, so that is a quarter of the timeout (at most Node's 30 s).
 */
function httpTimeouts(config: AppConfig) {
  const { connectionTimeoutMs, requestTimeoutMs } = config.edge;
  return {
    connectionTimeout: connectionTimeoutMs,
    requestTimeout: requestTimeoutMs,
    ...(requestTimeoutMs > 0 && {
      http: {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, 60_000),
        connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
      },
    }),
  };
}

/**
 * Registered before Mercurius, which then uses this WebSocket server instead of its own (1 MiB
 * messages, no init timeout): WS_MAX_PAYLOAD_BYTES per message (a larger one closes the socket,
 * 1009), WS_CONNECTION_INIT_TIMEOUT_MS to send connection_init, WS_MAX_SUBSCRIPTIONS at once.
 */
async function useWebSocketLimits(adapter: FastifyAdapter, config: AppConfig): Promise<void> {
  const fastify = adapter.getInstance();
  await fastify.register(fastifyWebsocket, { options: { maxPayload: config.edge.wsMaxPayloadBytes } });
  limitWebSockets(fastify.websocketServer, {
    initTimeoutMs: config.edge.connectionInitTimeoutMs,
    maxSubscriptions: config.edge.wsMaxSubscriptions,
  });
  closeRefusedConnections(fastify.websocketServer);
}
