import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { QuotaGate } from '../quota/quota-gate.js';
import { QuotaModule } from '../quota/quota.module.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { CampaignRecipientSender } from './campaign-recipient.js';
import { CancelCampaignHandler } from './cancel-campaign.handler.js';
import { StartCampaignHandler } from './start-campaign.handler.js';

/** Template campaigns: starting and cancelling them, and serving one recipient (for the runner). */
@Module({
  imports: [QuotaModule],
  providers: [
    StartCampaignHandler,
    CancelCampaignHandler,
    {
      provide: CampaignRecipientSender,
      inject: [EVENT_STORE, CLOCK, QuotaGate],
      useFactory: (store: EventStore, clock: Clock, quota: QuotaGate) =>
        new CampaignRecipientSender(store, clock, quota),
    },
  ],
  exports: [CampaignRecipientSender],
})
export class CampaignModule {}
