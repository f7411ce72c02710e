import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Req } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { MEDIA_STORE, type MediaStore } from '@helpdesk/media-store';
import { ReadStore } from '@helpdesk/read-store';
import { type ThreadMessage, findThreadMessage } from '@helpdesk/projections/thread/index.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { MediaRateLimit } from '../rate-limits/media-rate-limit.js';
import { contentDisposition, safeFileName } from './media-file-name.js';
import { threadRowIdFromMediaId } from './media-id.js';
import { UNAUTHENTICATED, bearerUser } from './media-upload-auth.js';

const NOT_FOUND = { error: 'NOT_FOUND', message: 'No such media' } as const;
/** Who may read a thread (`conversation`) may open its media; an operator's token reads no content. */
const MAY_READ_THREADS = new Set(['agent', 'admin', 'auditor']);

/**
 * `GET /media/:id`: a media's bytes (a contact's, or an agent's upload sent in a reply), to an agent of
 * the portal whose thread holds it. The bearer
 * token is the GraphQL API's; the portal comes from it. An unknown id, another portal's, one still
 * pending or failed, and a quarantined message's all answer the same 404.
 */
@Controller('media')
export class MediaController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MEDIA_STORE) private readonly media: MediaStore,
    private readonly readStore: ReadStore,
    private readonly rateLimit: MediaRateLimit,
  ) {}

  @Get(':id')
  async get(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const user = await bearerUser(request, this.config, this.clock.now());
    if (!user) {
      await reply.status(401).header('www-authenticate', 'Bearer').send(UNAUTHENTICATED);
      return;
    }
    const retryAfterSeconds = this.rateLimit.refusal(user.portalId);
    if (retryAfterSeconds !== null) {
      await reply
        .status(429)
        .header('retry-after', String(retryAfterSeconds))
        .send({
          error: 'RATE_LIMITED',
          message: `Too many media requests for this portal: retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        });
      return;
    }
    if (!user.roles.some((role) => MAY_READ_THREADS.has(role))) {
      await reply.status(403).send({ error: 'FORBIDDEN', message: 'Only agents, admins and auditors may open media' });
      return;
    }
    const message = await this.findMessage(user.portalId, id);
    const media = message?.media;
    const opened = media?.state === 'stored' && media.storageKey ? await this.media.open(media.storageKey) : null;
    if (!message || !media || !opened) {
      await reply.status(404).send(NOT_FOUND);
      return;
    }
    const mimeType = media.mimeType ?? 'application/octet-stream';
    const content = message.content as { filename?: string } | null;
    const fileName = safeFileName(content?.filename, message.type, message.messageId, mimeType);
    await reply
      .status(200)
      .header('content-type', mimeType)
      .header('content-length', String(opened.sizeBytes))
      .header('content-disposition', contentDisposition(fileName, mimeType))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(opened.stream);
  }

  private async findMessage(portalId: string, id: string): Promise<ThreadMessage | null> {
    const rowId = threadRowIdFromMediaId(id);
    if (rowId === null) return null;
    const message = await findThreadMessage(this.readStore.db, portalId, rowId);
    return message && message.quarantine === null ? message : null;
  }
}
