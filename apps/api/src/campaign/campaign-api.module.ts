import { Module } from '@nestjs/common';
import { CampaignModule } from '@helpdesk/commands/campaign/campaign.module.js';
import { CampaignRunnerModule } from './campaign-runner.module.js';
import { CampaignProgressFeed } from './campaign-progress-feed.js';
import { CampaignResolver } from './campaign.resolver.js';

/** Template campaigns in GraphQL, and the runner that writes to their recipients. */
@Module({
  imports: [CampaignModule, CampaignRunnerModule],
  providers: [CampaignResolver, CampaignProgressFeed],
})
export class CampaignApiModule {}
