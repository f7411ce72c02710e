import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import { type TemplateRow, listTemplates } from '@helpdesk/projections/directory/index.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

/** The portal's templates, of one channel when `accountId` is given: the caller's portal, from their token. */
export class ListTemplatesQuery extends Query<TemplateRow[]> {
  constructor(
    readonly portalId: string,
    readonly accountId?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(ListTemplatesQuery)
export class ListTemplatesHandler implements IQueryHandler<ListTemplatesQuery, TemplateRow[]> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ portalId, accountId, atLeastPosition }: ListTemplatesQuery): Promise<TemplateRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return listTemplates(this.readStore.db, portalId, accountId);
  }
}
