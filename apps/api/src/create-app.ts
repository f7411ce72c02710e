import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@helpdesk/config';
import { AppModule, AppOverrides } from './app.module.js';
import { inputValidationFailed } from './graphql/input-validation.js';
import { useJsonOnlyGraphql } from './graphql/json-only-graphql.js';
import { PinoNestLogger, createRootLogger } from './logging/pino-logger.js';
import { useRawJsonBodyRoutes } from './webhooks/raw-json-body.js';

/** The one way the service is assembled, shared by main.ts and the e2e tests. */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.logLevel, overrides.logDestination);
  const adapter = new FastifyAdapter({ loggerInstance: logger, bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, overrides), adapter, {
    logger: new PinoNestLogger(logger),
    // The exact bytes as `request.rawBody`: Meta signs them, not their re-serialised JSON.
    rawBody: true,
  });
  useRawJsonBodyRoutes(app);
  useJsonOnlyGraphql(app);
  // The refused fields by path, for GraphQL's BAD_USER_INPUT; HTTP routes get Nest's usual 400 body.
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: inputValidationFailed }),
  );
  app.enableShutdownHooks();
  return app;
}
