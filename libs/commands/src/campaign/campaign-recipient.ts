import {
  type CampaignRecipient,
  DomainError,
  type RecipientOutcome,
  type RecordRecipientOutcome,
  type StartedCampaign,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { SendTemplateCommand, SendTemplateHandler } from '../conversation/send-template.handler.js';
import { StartConversationCommand, StartConversationHandler } from '../conversation/start-conversation.handler.js';
import type { QuotaGate } from '../quota/quota-gate.js';
import type { Clock } from '../shared/clock.js';
import { type CommandOrigin, contextFrom } from '../shared/command-origin.js';
import { onCampaign } from './campaign-commands.js';

/**
 * Writes to one recipient of a campaign through the conversation commands every agent uses, then
 * records what became of it. Never twice: the idempotency keys name (campaign, contact), so the
 * message id derives from them and a second attempt (a restart, another runner) is a replay of the
 * recorded request that records, counts and sends nothing; the campaign keeps one outcome per
 * recipient.
 */
export class CampaignRecipientSender {
  private readonly starter: StartConversationHandler;
  private readonly templates: SendTemplateHandler;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    quota: QuotaGate,
  ) {
    this.starter = new StartConversationHandler(store, clock, quota);
    this.templates = new SendTemplateHandler(store, clock, quota);
  }

  /** Sends (or finds sent) and records the outcome; errors other than the domain's are thrown (retried later). */
  async serve(campaign: StartedCampaign, recipient: CampaignRecipient): Promise<RecipientOutcome> {
    const outcome = await this.send(campaign, recipient);
    await this.record(campaign, recipient.contactId, outcome);
    return outcome;
  }

  async send(campaign: StartedCampaign, recipient: CampaignRecipient): Promise<RecipientOutcome> {
    const template = { ...campaign.template, parameters: recipient.parameters };
    try {
      const started = await this.starter.execute(
        new StartConversationCommand(
          originFor(campaign, recipient.contactId, 'start'),
          { contactId: recipient.contactId },
          campaign.fromPhoneNumberId,
          template,
        ),
      );
      return { kind: 'accepted', conversationId: started.conversationId, messageId: started.messageId };
    } catch (error) {
      const conversationId = existingConversation(error);
      if (conversationId === null) return refusalOf(error);
      // An open thread with the contact on that number: the template goes there.
      return this.sendInto(conversationId, campaign, recipient, template);
    }
  }

  private async sendInto(
    conversationId: string,
    campaign: StartedCampaign,
    recipient: CampaignRecipient,
    template: SendTemplateCommand['template'],
  ): Promise<RecipientOutcome> {
    try {
      const origin = originFor(campaign, recipient.contactId, 'template');
      const sent = await this.templates.execute(new SendTemplateCommand(origin, conversationId, template));
      return { kind: 'accepted', conversationId, messageId: sent.messageId };
    } catch (error) {
      return refusalOf(error);
    }
  }

  private async record(campaign: StartedCampaign, contactId: string, outcome: RecipientOutcome): Promise<void> {
    const origin = campaignOrigin(campaign);
    const command: RecordRecipientOutcome = {
      type: 'RecordRecipientOutcome',
      data: { campaignId: campaign.campaignId, contactId, outcome },
      context: contextFrom(origin, this.clock.now()),
    };
    await onCampaign(this.store, command, origin);
  }
}

/** The campaign's starter is the actor of every message it sends; the campaign id correlates them. */
function campaignOrigin(campaign: StartedCampaign): CommandOrigin {
  return {
    portalId: campaign.portalId,
    actor: { kind: 'user', id: campaign.startedBy },
    correlationId: campaign.campaignId,
  };
}

/**
 * One key per (campaign, contact, way of sending): the request it names is the same on every
 * attempt, so a second attempt is a replay. Starting and sending into an open thread are two
 * commands of one conversation stream, hence two keys.
 */
function originFor(campaign: StartedCampaign, contactId: string, way: 'start' | 'template'): CommandOrigin {
  return {
    ...campaignOrigin(campaign),
    idempotencyKey: `campaign|${campaign.campaignId}|${contactId}|${way}`,
    request: { operation: 'campaign', campaignId: campaign.campaignId, contactId },
  };
}

function existingConversation(error: unknown): string | null {
  if (!(error instanceof DomainError) || error.code !== 'CONVERSATION_EXISTS') return null;
  const { conversationId } = error.details;
  return typeof conversationId === 'string' ? conversationId : null;
}

function refusalOf(error: unknown): RecipientOutcome {
  if (error instanceof DomainError) return { kind: 'refused', code: error.code };
  throw error;
}
