import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { AtLeastPositionArgs } from '../graphql/at-least-position.args.js';
import { ChannelModel, channelModel } from './channel.model.js';
import { ListChannelsQuery } from './channels.query.js';

/** The portal's channels, from the directory read model. */
@Resolver()
@Roles('agent', 'admin', 'auditor')
export class ChannelsResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [ChannelModel], { description: "The portal's WhatsApp accounts by name, disconnected ones included." })
  async channels(
    @CurrentUser() user: AuthenticatedUser,
    @Args() { atLeastPosition }: AtLeastPositionArgs,
  ): Promise<ChannelModel[]> {
    const rows = await this.queries.execute(new ListChannelsQuery(user.portalId, atLeastPosition ?? undefined));
    return rows.map(channelModel);
  }
}
