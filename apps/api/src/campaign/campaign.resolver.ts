import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
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
import { CampaignArgs, CampaignModel, CampaignState } from './campaign.model.js';
import { recipientsOfView } from './view-recipients.js';

function parametersOf({ bodyParameters, headerParameters }: Parameters): TemplateParameters {
  return { body: bodyParameters ?? [], ...(headerParameters && { header: headerParameters }) };
}

type Parameters = { bodyParameters?: string[] | null; headerParameters?: string[] | null };

/** Template campaigns: started and cancelled by agents, followed by anyone of the portal who sends. */
@Resolver()
@Roles('agent', 'admin')
export class CampaignResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

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
    if (!row) return null;
    const { campaignId, state, ...progress } = row;
    return { id: campaignId, state: CampaignState[state], ...progress };
  }
}
