import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { QuotaGate } from '../quota/quota-gate.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { OutboundSendWorkflow, type SentMessageReceipt, type TemplateRequest } from './outbound-send.workflow.js';

export type { TemplateRequest } from './outbound-send.workflow.js';

/** An approved template message: allowed at any time, the only message allowed outside a session. */
export class SendTemplateCommand extends Command<SentMessageReceipt> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly template: TemplateRequest,
    /** Optional: otherwise derived from the idempotency key, or new. */
    readonly messageId?: string,
  ) {
    super();
  }
}

/**
 * Outside a session the template starts a business-initiated conversation, reserved on the quota
 * before it is recorded; inside one it counts with the session: see `OutboundSendWorkflow`.
 */
@CommandHandler(SendTemplateCommand)
export class SendTemplateHandler implements ICommandHandler<SendTemplateCommand> {
  private readonly send: OutboundSendWorkflow;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CLOCK) clock: Clock, quota: QuotaGate) {
    this.send = new OutboundSendWorkflow(store, clock, quota);
  }

  execute({ origin, conversationId, template, messageId }: SendTemplateCommand): Promise<SentMessageReceipt> {
    return this.send.sendTemplate(origin, conversationId, template, messageId);
  }
}
