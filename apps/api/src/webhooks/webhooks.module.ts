import { Module } from '@nestjs/common';
import { WebhookItemDispatcher } from './dispatch-webhook-item.js';
import { InboxProcessor } from './inbox-processor.js';
import { PayloadProcessor } from './process-payload.js';
import { WebhookInbox } from './webhook-inbox.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WhatsAppWebhookController } from './whatsapp-webhook.controller.js';

/**
 * Meta's WhatsApp webhook: verified and stored durably at the edge, processed from the store.
 * Needs the global event store, clock, configuration, CommandBus (with the conversation handlers)
 * and MetricsRegistry.
 */
@Module({
  controllers: [WhatsAppWebhookController],
  providers: [WebhookMetrics, WebhookInbox, WebhookItemDispatcher, PayloadProcessor, InboxProcessor],
  exports: [InboxProcessor],
})
export class WebhooksModule {}
