import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ReplyContent } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { QuotaGate } from '../quota/quota-gate.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { OutboundSendWorkflow, type SentMessageReceipt } from './outbound-send.workflow.js';
import { UPLOAD_CLAIMS, type UploadClaims } from './upload-claims.js';

export type { SentMessageReceipt } from './outbound-send.workflow.js';

/** A free-form message from an agent, allowed only while the contact's 24-hour session is open. */
export class ReplyToContactCommand extends Command<SentMessageReceipt> {
  constructor(
    readonly origin: CommandOrigin,
    readonly conversationId: string,
    readonly content: ReplyContent,
    /** Optional: otherwise derived from the idempotency key, or new. */
    readonly messageId?: string,
  ) {
    super();
  }
}

/**
 * Counted with the open session under the rule in force, its upload claimed (kept for good), then
 * recorded: see `OutboundSendWorkflow`. The API provides UPLOAD_CLAIMS (its MediaUploads).
 */
@CommandHandler(ReplyToContactCommand)
export class ReplyToContactHandler implements ICommandHandler<ReplyToContactCommand> {
  private readonly send: OutboundSendWorkflow;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    quota: QuotaGate,
    @Inject(UPLOAD_CLAIMS) private readonly uploads: UploadClaims,
  ) {
    this.send = new OutboundSendWorkflow(store, clock, quota);
  }

  execute({ origin, conversationId, content, messageId }: ReplyToContactCommand): Promise<SentMessageReceipt> {
    return this.send.reply(origin, conversationId, content, this.uploads, messageId);
  }
}
