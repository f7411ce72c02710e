import { Module } from '@nestjs/common';
import { CampaignRecipientSender } from '@helpdesk/commands/campaign/campaign-recipient.js';
import { CampaignModule } from '@helpdesk/commands/campaign/campaign.module.js';
import { systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { CampaignRunner } from './campaign-runner.js';

/** The process that writes to campaigns' recipients, in every API instance. */
@Module({
  imports: [CampaignModule],
  providers: [
    {
      provide: CampaignRunner,
      inject: [EVENT_STORE, CampaignRecipientSender, APP_CONFIG],
      useFactory: (store: EventStore, sender: CampaignRecipientSender, { campaigns }: AppConfig) =>
        new CampaignRunner({
          store,
          sender,
          timers: systemTimers,
          settings: { concurrency: campaigns.recipientsAtOnce },
        }),
    },
  ],
  exports: [CampaignRunner],
})
export class CampaignRunnerModule {}
