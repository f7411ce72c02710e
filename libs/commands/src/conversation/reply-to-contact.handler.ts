import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type ReplyContent, conversationDecider } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { loadPortal } from '../portal/load-portal.js';
import { QuotaGate } from '../quota/quota-gate.js';
import { quotaPortalAt } from '../quota/quota-requests.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import {
  type ConversationChange,
  changeOf,
  conversationCommand,
  loadConversation,
  newMessageId,
  isReplayedRequest,
  onConversation,
} from './conversation-commands.js';
import { mustSettleAgain, openSession, releaseAfter } from './outbound-sending.js';

export interface SentMessageReceipt extends ConversationChange {
  readonly messageId: string;
}

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
 * The pure decider checks the reply first (session open, media accepted), so a refused reply is
 * never counted; then the session is counted under the rule in force (before 1 November 2024
 * its first business message counts 1) and the reply recorded with that rule's version.
 */
@CommandHandler(ReplyToContactCommand)
export class ReplyToContactHandler implements ICommandHandler<ReplyToContactCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly quota: QuotaGate,
  ) {}

  async execute(command: ReplyToContactCommand): Promise<SentMessageReceipt> {
    const { origin, conversationId, content } = command;
    const messageId = newMessageId(conversationId, origin, command.messageId);
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      if (await isReplayedRequest(this.store, conversationId, 'ReplyToContact', origin, now)) return { conversationId, recorded: [], messageId };
      const conversation = await loadConversation(this.store, conversationId);
      const sessionId = openSession(conversation, now)?.sessionId ?? '';
      const draft = { messageId, content, sessionId, countedAs: 'free' as const, ruleVersion: '' };
      // A dry run of the pure decider: refusals, and a retried request (nothing to do), before anything is counted.
      const check = conversationCommand('ReplyToContact', draft, origin, now);
      if (conversationDecider.decide(check, conversation).length === 0) return { conversationId, recorded: [], messageId };

      const portal = quotaPortalAt(await loadPortal(this.store, origin.portalId), now);
      const count = await this.quota.countUserInitiatedSession({ origin, now, portal, conversationId, sessionId, messageId });
      const countedAs = count.counted ? ('user_initiated_session' as const) : ('free' as const);
      const reply = conversationCommand('ReplyToContact', { ...draft, countedAs, ruleVersion: count.ruleVersion }, origin, now);
      try {
        return { ...changeOf(conversationId, await onConversation(this.store, conversationId, reply, origin)), messageId };
      } catch (error) {
        if (count.counted) {
          await releaseAfter(error, this.quota, { origin, now, portalId: origin.portalId, messageId, periodKey: count.periodKey });
        }
        if (!mustSettleAgain(error, attempt)) throw error;
      }
    }
  }
}
