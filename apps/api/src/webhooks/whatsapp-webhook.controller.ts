import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Logger,
  Post,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig } from '@helpdesk/config';
import { StoreUnavailableError } from '@helpdesk/event-store';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { rawJsonBody } from './raw-json-body.js';
import { checkWebhookEnvelope, isJsonContentType } from './webhook-envelope.js';
import { type StoredPayload, WebhookInbox } from './webhook-inbox.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { checkWhatsAppSignature, verificationChallenge } from './whatsapp-signature.js';

/** Meta documents payloads of up to 3 MB; a little room above that. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Meta's webhook for the WhatsApp Cloud API. The POST answers 200 only once the signed payload is
 * durably in the inbox; what it asks for is done afterwards by the InboxProcessor. Any other
 * answer makes Meta retry, so nothing is acknowledged that is not stored.
 */
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  private readonly logger = new Logger('WhatsAppWebhook');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inbox: WebhookInbox,
    private readonly metrics: WebhookMetrics,
  ) {}

  @Get()
  verify(
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    const answer = verificationChallenge({ mode, token, challenge }, this.config.whatsapp.verifyToken);
    this.metrics.verifications.inc({ outcome: answer === null ? 'refused' : 'accepted' });
    if (answer === null) throw new ForbiddenException('Webhook verification refused');
    reply.type('text/plain; charset=utf-8');
    return answer;
  }

  @Post()
  @HttpCode(200)
  @RouteConfig(rawJsonBody(WEBHOOK_BODY_LIMIT))
  async receive(@Req() request: RawBodyRequest<FastifyRequest>): Promise<{ readonly stored: true }> {
    const appSecret = this.config.whatsapp.appSecret;
    if (!appSecret) {
      this.metrics.reject('not_configured');
      throw new ServiceUnavailableException('WhatsApp webhooks are off: WHATSAPP_APP_SECRET is not configured');
    }
    const contentType = request.headers['content-type'];
    const raw = request.rawBody;
    if (!isJsonContentType(contentType) || !Buffer.isBuffer(raw)) {
      this.metrics.reject('unsupported_media_type');
      throw new UnsupportedMediaTypeException('WhatsApp webhooks are application/json');
    }
    const signature = request.headers['x-hub-signature-256'];
    const check = checkWhatsAppSignature(raw, signature, appSecret);
    if (check !== 'valid') {
      this.metrics.reject(check === 'mismatch' ? 'bad_signature' : `${check}_signature`);
      throw new UnauthorizedException(`X-Hub-Signature-256 is ${check === 'mismatch' ? 'wrong' : check}`);
    }
    const received = {
      signature: signature as string,
      receivedAt: this.clock.now().toISOString(),
      contentType: contentType as string,
    };
    const envelope = checkWebhookEnvelope(raw);
    if (!envelope.ok) {
      // Meta signed it: keep it for inspection, then refuse it.
      const text = raw.toString('utf8');
      const utf8 = Buffer.from(text, 'utf8').equals(raw);
      const body = utf8 ? text : raw.toString('base64');
      await this.store(() =>
        this.inbox.recordMalformed({
          ...received,
          body,
          bodyEncoding: utf8 ? 'utf8' : 'base64',
          reason: envelope.reason,
        }),
      );
      this.metrics.reject('malformed_payload');
      throw new BadRequestException(envelope.reason);
    }
    const stored = await this.store(() => this.inbox.record({ ...received, body: envelope.body }));
    this.metrics.received.inc();
    this.logger.debug({ msg: 'WhatsApp webhook stored', payloadEventId: stored.eventId, payloadSha256: stored.sha256 });
    return { stored: true };
  }

  /** 503 makes Meta retry later, which is what we want when the payload could not be kept. */
  private async store(append: () => Promise<StoredPayload>): Promise<StoredPayload> {
    try {
      return await append();
    } catch (error) {
      const unavailable = error instanceof StoreUnavailableError;
      this.metrics.reject(unavailable ? 'store_unavailable' : 'store_error');
      this.logger.error({ msg: 'WhatsApp webhook not stored; Meta will retry', error: String(error) });
      throw new ServiceUnavailableException('The webhook could not be stored; retry later');
    }
  }
}
