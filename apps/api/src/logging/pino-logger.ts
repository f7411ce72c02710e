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

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/** Fastify's own request serializer (method, url, host, address, port), with the URL redacted. */
function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactedUrl(request.url) : request.url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** `destination`: stdout unless given (tests capture the lines). */
export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'helpdesk-api' },
    serializers: { req: serializeRequest },
  };
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
