import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, type DomainErrorCode, type OutboundMessageRef } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { routeStatus } from './route-status.js';
import type { StatusUpdate, WebhookItem } from './webhook-items.js';
import { WebhookMetrics } from './webhook-metrics.js';

/** Refusals that are part of normal life, not failures: the inbox keeps the payload anyway. */
const UNROUTED_MESSAGE = ['CHANNEL_NOT_CONNECTED', 'MESSAGE_PREDATES_CONNECTION'] as const;
/** A status of a message sent elsewhere (the WhatsApp app, another tool) or before the connection. */
const UNMATCHED_STATUS = ['CONVERSATION_NOT_FOUND', 'MESSAGE_NOT_FOUND'] as const;

type UnroutedMessage = (typeof UNROUTED_MESSAGE)[number];
type UnmatchedStatus = (typeof UNMATCHED_STATUS)[number] | 'CHANNEL_NOT_CONNECTED';

export type ItemOutcome =
  | {
      readonly kind: 'message_recorded' | 'message_duplicate';
      readonly conversationId: string;
      readonly messageId: string;
    }
  | { readonly kind: 'message_unrouted'; readonly reason: UnroutedMessage }
  | { readonly kind: 'status_recorded' | 'status_unchanged'; readonly conversationId: string }
  | { readonly kind: 'status_unmatched'; readonly reason: UnmatchedStatus }
  | { readonly kind: 'meta_error' | 'unmapped' };

export interface PayloadTrace {
  /** The inbox event: every command it leads to is caused by it. */
  readonly payloadEventId: string;
}

/**
 * Turns one item into its command on the CommandBus and says what came of it, with a log line
 * and a counter. Expected refusals are outcomes; anything else is thrown for the caller to record.
 */
@Injectable()
export class WebhookItemDispatcher {
  private readonly logger = new Logger('WhatsAppWebhook');

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: WebhookMetrics,
  ) {}

  async dispatch(item: WebhookItem, trace: PayloadTrace): Promise<ItemOutcome> {
    switch (item.kind) {
      case 'message':
        return this.receive(item, trace);
      case 'status':
        return this.recordStatus(item.status, item.where, trace);
      case 'error':
        this.metrics.metaErrors.inc({ code: String(item.error.code) });
        this.logger.warn({ msg: 'Meta reported an error in a webhook', ...trace, where: item.where, ...item.error });
        return { kind: 'meta_error' };
      case 'unmapped':
        this.metrics.itemsUnmapped.inc();
        this.logger.warn({ msg: 'Webhook item not understood', ...trace, where: item.where, reason: item.reason });
        return { kind: 'unmapped' };
    }
  }

  private async receive(item: Extract<WebhookItem, { kind: 'message' }>, trace: PayloadTrace): Promise<ItemOutcome> {
    const { message } = item;
    const fields = { ...trace, where: item.where, wamid: message.wamid, phoneNumberId: message.phoneNumberId };
    try {
      const causation = { correlationId: trace.payloadEventId, causationId: trace.payloadEventId };
      const receipt = await this.commands.execute(new ReceiveInboundMessageCommand(message, causation));
      const kind = receipt.duplicate ? 'message_duplicate' : 'message_recorded';
      this.metrics.messagesRouted.inc({ outcome: receipt.duplicate ? 'duplicate' : 'recorded' });
      this.logger.debug({
        msg: 'WhatsApp message routed',
        ...fields,
        outcome: kind,
        conversationId: receipt.conversationId,
      });
      return { kind, conversationId: receipt.conversationId, messageId: receipt.messageId };
    } catch (error) {
      const reason = expectedRefusal(error, UNROUTED_MESSAGE);
      if (!reason) throw error;
      this.metrics.messagesUnrouted.inc({ reason });
      this.logger.warn({ msg: 'WhatsApp message not routed', ...fields, reason, detail: (error as Error).message });
      return { kind: 'message_unrouted', reason };
    }
  }

  private async recordStatus(status: StatusUpdate, where: string, trace: PayloadTrace): Promise<ItemOutcome> {
    const fields = { ...trace, where, wamid: status.wamid, status: status.status, phoneNumberId: status.phoneNumberId };
    const route = await routeStatus(this.store, status);
    if (!route) return this.unmatched('CHANNEL_NOT_CONNECTED', fields);
    const origin: CommandOrigin = {
      portalId: route.portalId,
      actor: { kind: 'whatsapp', id: route.phoneNumberId },
      idempotencyKey: `status|${status.wamid}|${status.status}|${status.at}`,
      correlationId: trace.payloadEventId,
      causationId: trace.payloadEventId,
    };
    const error = status.error && { ...status.error };
    const record = (ref: OutboundMessageRef) =>
      this.commands.execute(
        new RunConversationCommand(origin, route.conversationId, 'RecordDeliveryStatus', {
          ...ref,
          status: status.status,
          at: status.at,
          ...(error && { error }),
        }),
      );
    try {
      // The sender may have named our message in biz_opaque_callback_data: the status then lands
      // even if the wamid was never recorded. Anything else there is not ours: go by wamid.
      const change = await (status.callbackData
        ? record({ messageId: status.callbackData, wamid: status.wamid }).catch((thrown: unknown) => {
            if (expectedRefusal(thrown, ['MESSAGE_NOT_FOUND'])) return record({ wamid: status.wamid });
            throw thrown;
          })
        : record({ wamid: status.wamid }));
      if (!change.recorded.includes('DeliveryStatusRecorded')) {
        // A late status (sent after read) keeps only Meta's time: the thread changed all the same.
        const late = change.recorded.includes('DeliveryTimeRecorded');
        this.metrics.statusesNotRecorded.inc({ reason: late ? 'late' : 'unchanged' });
        if (!late) return { kind: 'status_unchanged', conversationId: route.conversationId };
        return { kind: 'status_recorded', conversationId: route.conversationId };
      }
      this.metrics.statusesRecorded.inc({ status: status.status });
      this.logger.debug({ msg: 'Delivery status recorded', ...fields, conversationId: route.conversationId });
      return { kind: 'status_recorded', conversationId: route.conversationId };
    } catch (thrown) {
      const reason = expectedRefusal(thrown, UNMATCHED_STATUS);
      if (!reason) throw thrown;
      return this.unmatched(reason, { ...fields, conversationId: route.conversationId });
    }
  }

  private unmatched(reason: UnmatchedStatus, fields: Record<string, unknown>): ItemOutcome {
    this.metrics.statusesNotRecorded.inc({ reason });
    this.logger.log({ msg: 'Delivery status matches no message of ours', ...fields, reason });
    return { kind: 'status_unmatched', reason };
  }
}

function expectedRefusal<Code extends DomainErrorCode>(error: unknown, codes: readonly Code[]): Code | undefined {
  return error instanceof DomainError && (codes as readonly DomainErrorCode[]).includes(error.code)
    ? (error.code as Code)
    : undefined;
}
