import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@helpdesk/config';
import { systemClock, type Clock } from '@helpdesk/commands/shared/clock.js';
import { CliModule } from './cli.module.js';

/** Boots the handlers on the configured stores, runs `work`, and closes the stores whatever happens. */
export async function withAppContext<T>(
  config: AppConfig,
  work: (context: INestApplicationContext) => Promise<T>,
  clock: Clock = systemClock,
): Promise<T> {
  const context = await NestFactory.createApplicationContext(CliModule.forConfig(config, clock), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
