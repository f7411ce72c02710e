import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import { type ChannelRow, listChannels } from '@helpdesk/projections/directory/index.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

/** The portal's channels: the caller's portal, from their token. */
export class ListChannelsQuery extends Query<ChannelRow[]> {
  constructor(
    readonly portalId: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(ListChannelsQuery)
export class ListChannelsHandler implements IQueryHandler<ListChannelsQuery, ChannelRow[]> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ portalId, atLeastPosition }: ListChannelsQuery): Promise<ChannelRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return listChannels(this.readStore.db, portalId);
  }
}
