import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { deterministicEventId } from '@helpdesk/command-handling';
import type { CampaignRecipient, StartCampaign } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore, Position } from '@helpdesk/event-store';
import { findPortalNumber } from '../channel/find-channel-by-number.js';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { type CommandOrigin, contextFrom } from '../shared/command-origin.js';
import { onCampaign } from './campaign-commands.js';

export interface CampaignRequest {
  readonly fromPhoneNumberId: string;
  readonly template: Readonly<{ name: string; language: string }>;
  readonly recipients: readonly CampaignRecipient[];
}

export interface StartedCampaignReceipt {
  readonly campaignId: string;
  /** Absent for a replayed request: nothing was recorded. */
  readonly position?: Position;
}

/** An agent sends a template to many contacts; the campaign runner then writes to each, once. */
export class StartCampaignCommand extends Command<StartedCampaignReceipt> {
  constructor(
    readonly origin: CommandOrigin,
    readonly request: CampaignRequest,
  ) {
    super();
  }
}

/** The campaign's id for a portal's idempotency key: the same request again names the same campaign. */
export function campaignIdFor(portalId: string, idempotencyKey: string): string {
  return deterministicEventId(`campaign|${portalId}|${idempotencyKey}`);
}

/**
 * Records the campaign; sending is the runner's (it follows CampaignStarted). The From number must
 * be the portal's now (CHANNEL_NOT_CONNECTED, nothing recorded); contacts and the template are
 * checked per recipient when it is its turn, so each refusal is recorded with its recipient.
 */
@CommandHandler(StartCampaignCommand)
export class StartCampaignHandler implements ICommandHandler<StartCampaignCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, request }: StartCampaignCommand): Promise<StartedCampaignReceipt> {
    if (!origin.idempotencyKey) throw new Error('A campaign is started under an idempotency key');
    const campaignId = campaignIdFor(origin.portalId, origin.idempotencyKey);
    await findPortalNumber(this.store, origin.portalId, request.fromPhoneNumberId);
    const command: StartCampaign = {
      type: 'StartCampaign',
      data: { campaignId, ...request },
      context: contextFrom(origin, this.clock.now()),
    };
    const handled = await onCampaign(this.store, command, origin);
    return { campaignId, ...(handled.position && { position: handled.position }) };
  }
}
