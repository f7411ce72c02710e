import { CommandBus } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CancelCampaignCommand } from '@helpdesk/commands/campaign/cancel-campaign.handler.js';
import { StartCampaignCommand } from '@helpdesk/commands/campaign/start-campaign.handler.js';
import { forRequest } from '@helpdesk/commands/shared/command-origin.js';
import { getCampaign } from '@helpdesk/projections/campaigns/index.js';
import type { TemplateParameters } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { formatPosition } from '../graphql/positions.js';
import { CampaignPayload, CancelCampaignInput, SendTemplateCampaignInput } from './campaign-mutation.inputs.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { badUserInput } from '../graphql/api-error.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import type { SubscriberContext } from '../notifications/subscription-auth.js';
import {
  CampaignArgs,
  CampaignModel,
  type CampaignProgressPublished,
  campaignModelOf,
  campaignTopicOf,
} from './campaign.model.js';
import { progressOf } from './campaign-progress-deliveries.js';
import { recipientsOfView } from './view-recipients.js';

function parametersOf({ bodyParameters, headerParameters }: Parameters): TemplateParameters {
  return { body: bodyParameters ?? [], ...(headerParameters && { header: headerParameters }) };
}

/** Mercurius's per-subscription context: its pubsub, and what onConnect accepted. */
interface SubscriptionContext extends SubscriberContext {
  readonly pubsub: {
    subscribe(topic: string): Promise<AsyncIterable<CampaignProgressPublished> & { destroy(): void }>;
  };
}

type Parameters = { bodyParameters?: string[] | null; headerParameters?: string[] | null };

/** Template campaigns: started and cancelled by agents, followed by anyone of the portal who sends. */
@Resolver()
@Roles('agent', 'admin')
export class CampaignResolver {
  private readonly started: Counter;

  constructor(
    private readonly commands: CommandBus,
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsRegistry,
  ) {
    this.started = metrics.counter(
      'graphql_subscriptions_started_total',
      'GraphQL subscriptions started, by subscription',
      ['subscription'],
    );
  }

  @Mutation(() => CampaignPayload, {
    description:
      "Sends an approved template to each recipient, once, from one of the portal's numbers: each recipient is then accepted (a conversation started, or the template sent in its open thread), or refused with the domain's code. Stops when the quota runs out (STOPPED, QUOTA_EXHAUSTED). Follow it with `campaign(id)`.",
  })
  async sendTemplateCampaign(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: SendTemplateCampaignInput,
  ): Promise<CampaignPayload> {
    const { fromPhoneNumberId, name, language } = input;
    const origin = forRequest(originOf(user, input.idempotencyKey), 'sendTemplateCampaign', input);
    const recipients = input.recipients
      ? input.recipients.map((recipient) => ({ contactId: recipient.contactId, parameters: parametersOf(recipient) }))
      : await recipientsOfView(this.readStore.db, user, input.viewId!, parametersOf(input));
    const receipt = await this.commands.execute(
      new StartCampaignCommand(origin, { fromPhoneNumberId, template: { name, language }, recipients }),
    );
    return { campaignId: receipt.campaignId, position: receipt.position ? formatPosition(receipt.position) : null };
  }

  @Mutation(() => CampaignPayload, {
    description:
      'Stops a running campaign before its next recipient (messages already accepted still go out). Again: nothing new. A finished one: CAMPAIGN_FINISHED; unknown or another portal: CAMPAIGN_NOT_FOUND.',
  })
  async cancelCampaign(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: CancelCampaignInput,
  ): Promise<CampaignPayload> {
    const receipt = await this.commands.execute(new CancelCampaignCommand(originOf(user), input.campaignId));
    return { campaignId: input.campaignId, position: receipt.position ? formatPosition(receipt.position) : null };
  }

  @Query(() => CampaignModel, {
    nullable: true,
    description: "A campaign's progress; null for an unknown id and for another portal's.",
  })
  async campaign(@CurrentUser() user: AuthenticatedUser, @Args() args: CampaignArgs): Promise<CampaignModel | null> {
    await this.readYourWrites.atLeast(args.atLeastPosition ?? undefined);
    const row = await getCampaign(this.readStore.db, user.portalId, args.id);
    return row && campaignModelOf(row);
  }

  @Subscription(() => CampaignModel, {
    description:
      "A campaign's progress: now, then after each change (recipients served, Meta's answers, its end). Another portal's or an unknown id: nothing.",
  })
  async campaignProgress(
    @CurrentUser() user: AuthenticatedUser,
    @Args('id', { type: () => ID }) id: string,
    @Context() context: SubscriptionContext,
  ): Promise<AsyncGenerator<CampaignProgressPublished>> {
    if (typeof id !== 'string' || id.length > 300) throw badUserInput([{ field: 'id', messages: ['id is too long'] }]);
    // Live first, then the current row: a change meanwhile is in one or both.
    const source = await context.pubsub.subscribe(campaignTopicOf(user.portalId));
    const current = await getCampaign(this.readStore.db, user.portalId, id).catch((error: unknown) => {
      source.destroy();
      throw error;
    });
    this.started.inc({ subscription: 'campaignProgress' });
    return progressOf(source, user.portalId, id, current, context.accessExpiresAt, () => this.clock.now());
  }
}
