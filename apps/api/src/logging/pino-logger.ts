import { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, Logger } from 'pino';
import type { LogLevel } from '@helpdesk/config';

/** Header and field names that may carry secrets; pino replaces their values before anything is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.accessToken',
];

/** `destination`: stdout unless given (tests capture the lines). */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'helpdesk-api' } };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own messages go through the same structured logger as requests. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...context: unknown[]): void {
    this.write('info', message, context);
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

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context: unknown[]): void {
    const nestContext = typeof context[context.length - 1] === 'string' ? context[context.length - 1] : undefined;
    if (message instanceof Error) this.logger[level]({ err: message, context: nestContext }, message.message);
    else if (typeof message === 'object') this.logger[level]({ ...(message as object), context: nestContext });
    else this.logger[level]({ context: nestContext }, String(message));
  }
}
