import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CancelCampaign } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore, Position } from '@helpdesk/event-store';
import { CLOCK } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { type CommandOrigin, contextFrom } from '../shared/command-origin.js';
import { onCampaign } from './campaign-commands.js';

/**
 * Stops a running campaign: the runner checks the campaign before each recipient, so no recipient
 * after this is written to (a message already accepted still goes out).
 */
export class CancelCampaignCommand extends Command<{ position?: Position }> {
  constructor(
    readonly origin: CommandOrigin,
    readonly campaignId: string,
  ) {
    super();
  }
}

@CommandHandler(CancelCampaignCommand)
export class CancelCampaignHandler implements ICommandHandler<CancelCampaignCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ origin, campaignId }: CancelCampaignCommand): Promise<{ position?: Position }> {
    const command: CancelCampaign = {
      type: 'CancelCampaign',
      data: { campaignId },
      context: contextFrom(origin, this.clock.now()),
    };
    const handled = await onCampaign(this.store, command, origin);
    return handled.position ? { position: handled.position } : {};
  }
}
