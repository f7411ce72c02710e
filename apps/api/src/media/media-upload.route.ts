import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import {
  DomainError,
  MAX_MEDIA_FILE_NAME_LENGTH,
  type OutboundMediaLimit,
  outboundMediaKindOf,
  outboundMediaLimit,
  refuseTooLarge,
} from '@helpdesk/domain';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { UNAUTHENTICATED, bearerUser } from './media-upload-auth.js';
import {
  MediaSignatureMismatchError,
  MediaTooLargeError,
  MediaUploads,
  TooManyPendingUploadsError,
} from './media-uploads.js';

/** Agents and admins write replies; an auditor or an operator sends nothing. */
const MAY_UPLOAD = new Set(['agent', 'admin']);
/** Uploads under way at once per portal: one portal cannot hold every connection and disk write. */
export const MAX_CONCURRENT_UPLOADS_PER_PORTAL = 4;

interface UploadQuery {
  readonly kind?: unknown;
  readonly fileName?: unknown;
}

/**
 * `POST /media`: an agent's file for a reply, as the raw body with its own Content-Type. It is a
 * plain Fastify route in its own scope (not a Nest controller) so that no body parser reads the body:
 * the kind, type and Content-Length are checked against Meta's limits before a byte is read, then
 * the body is streamed into the media store with a byte bound and its first bytes checked against
 * the declared type. Call before `init()`.
 */
export function useMediaUploadRoute(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const underWay = new Map<string, number>();
  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Leaves the body unread: the handler decides whether to read it at all.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.post('/media', async (request, reply) => {
      const config = app.get<AppConfig>(APP_CONFIG);
      const clock = app.get<Clock>(CLOCK);
      await upload(request, reply, { config, clock, uploads: app.get(MediaUploads), underWay });
    });
  });
}

interface UploadContext {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly uploads: MediaUploads;
  readonly underWay: Map<string, number>;
}

async function upload(request: FastifyRequest, reply: FastifyReply, context: UploadContext): Promise<void> {
  const user = await bearerUser(request, context.config, context.clock.now());
  if (!user) return refuse(reply, 401, UNAUTHENTICATED, { 'www-authenticate': 'Bearer' });
  if (!user.roles.some((role) => MAY_UPLOAD.has(role))) {
    return refuse(reply, 403, { error: 'FORBIDDEN', message: 'Only agents and admins may upload media' });
  }
  const checked = checkHeaders(request);
  if ('status' in checked) return refuse(reply, checked.status, checked.body);
  const { limit, mimeType, fileName, declaredBytes } = checked;

  const running = context.underWay.get(user.portalId) ?? 0;
  if (running >= MAX_CONCURRENT_UPLOADS_PER_PORTAL) {
    return refuse(reply, 429, {
      error: 'TOO_MANY_UPLOADS',
      message: `At most ${MAX_CONCURRENT_UPLOADS_PER_PORTAL} uploads at once per portal: wait for one to finish`,
    });
  }
  context.underWay.set(user.portalId, running + 1);
  try {
    const request_ = { portalId: user.portalId, userId: user.userId, limit, mimeType, fileName, declaredBytes };
    const kept = await context.uploads.accept({ ...request_, now: context.clock.now() }, request.raw);
    await reply.status(201).send({
      uploadId: kept.uploadId,
      kind: kept.kind,
      mimeType: kept.mimeType,
      sizeBytes: kept.sizeBytes,
      fileName: kept.fileName,
      sha256: kept.sha256,
      expiresAt: kept.expiresAt,
    });
  } catch (error) {
    if (error instanceof MediaTooLargeError) return refuse(reply, 413, domainBody(tooLarge(limit, mimeType)));
    if (error instanceof TooManyPendingUploadsError) {
      return refuse(reply, 429, {
        error: 'TOO_MANY_PENDING_UPLOADS',
        message: error.message,
        details: { maxPending: error.maxPending },
      });
    }
    if (error instanceof MediaSignatureMismatchError) {
      return refuse(reply, 415, {
        error: 'UNSUPPORTED_MEDIA_TYPE',
        message: `${error.message}: send ${limit.accepted}`,
        details: { kind: limit.kind, mimeType, accepted: limit.accepted },
      });
    }
    // The client went away or the request timed out: nothing was kept, and nobody reads an answer.
    if (request.raw.destroyed || request.raw.readableAborted) return;
    throw error;
  } finally {
    const left = (context.underWay.get(user.portalId) ?? 1) - 1;
    if (left > 0) context.underWay.set(user.portalId, left);
    else context.underWay.delete(user.portalId);
  }
}

type HeaderCheck =
  | { limit: OutboundMediaLimit; mimeType: string; fileName: string | null; declaredBytes: number | null }
  | { status: number; body: object };

/** Everything that can be refused before the body is read: the type, the kind, the name, the declared size. */
function checkHeaders(request: FastifyRequest): HeaderCheck {
  const mimeType = normalisedMimeType(request.headers['content-type']);
  const query = (request.query ?? {}) as UploadQuery;
  if (mimeType === null) {
    return {
      status: 415,
      body: { error: 'UNSUPPORTED_MEDIA_TYPE', message: "Send the file's type as the Content-Type header" },
    };
  }
  const kind = typeof query.kind === 'string' && query.kind !== '' ? query.kind : outboundMediaKindOf(mimeType);
  let limit: OutboundMediaLimit;
  try {
    if (kind === null) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `WhatsApp cannot send '${mimeType}'`, { mimeType });
    }
    limit = outboundMediaLimit(kind, mimeType);
  } catch (error) {
    if (error instanceof DomainError) return { status: 415, body: domainBody(error) };
    throw error;
  }
  const fileName = query.fileName;
  if (
    fileName !== undefined &&
    (typeof fileName !== 'string' ||
      fileName.trim() === '' ||
      fileName.length > MAX_MEDIA_FILE_NAME_LENGTH ||
      /\p{Cc}/u.test(fileName))
  ) {
    return {
      status: 400,
      body: {
        error: 'INVALID_COMMAND',
        message: `fileName must be 1 to ${MAX_MEDIA_FILE_NAME_LENGTH} printable characters`,
      },
    };
  }
  const length = request.headers['content-length'];
  const declaredBytes = length === undefined ? null : Number(length);
  if (declaredBytes !== null && declaredBytes > limit.maxBytes) {
    return { status: 413, body: domainBody(tooLarge(limit, mimeType, declaredBytes)) };
  }
  if (declaredBytes === 0) return { status: 400, body: { error: 'INVALID_COMMAND', message: 'The file is empty' } };
  return { limit, mimeType, fileName: typeof fileName === 'string' ? fileName.trim() : null, declaredBytes };
}

/** `type/subtype` lowercased, with its parameters (an OGG's codecs) kept; null when there is none. */
function normalisedMimeType(header: string | undefined): string | null {
  if (header === undefined) return null;
  const [base, ...parameters] = header.split(';').map((part) => part.trim());
  if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(base)) return null;
  return [base.toLowerCase(), ...parameters.filter((part) => part !== '')].join('; ');
}

function tooLarge(limit: OutboundMediaLimit, mimeType: string, sizeBytes: number | null = null): DomainError {
  try {
    return refuseTooLarge(limit, mimeType, sizeBytes);
  } catch (error) {
    return error as DomainError;
  }
}

function domainBody(error: DomainError) {
  return { error: error.code, message: error.message, details: error.details };
}

/**
 * A refusal closes the connection: a body left unread (an oversized file) is not drained, which is
 * what Node does to keep a connection alive.
 */
async function refuse(
  reply: FastifyReply,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): Promise<void> {
  await reply
    .status(status)
    .headers({ ...headers, connection: 'close' })
    .send(body);
}
