import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';
import {
  type ChannelRow,
  type ContactPage,
  type ContactRow,
  type TemplateRow,
  findContactsByPhone,
  listChannels,
  listContacts,
  listTemplates,
} from '@helpdesk/projections/directory/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

/** Each query reads one portal's directory: the caller's, from their token. */
abstract class DirectoryQuery<Result> extends Query<Result> {
  constructor(
    readonly portalId: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

export class ListChannelsQuery extends DirectoryQuery<ChannelRow[]> {}

export class ListTemplatesQuery extends DirectoryQuery<TemplateRow[]> {
  constructor(portalId: string, readonly accountId?: string, atLeastPosition?: string) {
    super(portalId, atLeastPosition);
  }
}

export class ListContactsQuery extends DirectoryQuery<ContactPage> {
  constructor(portalId: string, readonly first: number, readonly after?: string, atLeastPosition?: string) {
    super(portalId, atLeastPosition);
  }
}

export class FindContactsByPhoneQuery extends DirectoryQuery<ContactRow[]> {
  constructor(portalId: string, readonly phone: string, atLeastPosition?: string) {
    super(portalId, atLeastPosition);
  }
}

@QueryHandler(ListChannelsQuery)
export class ListChannelsHandler implements IQueryHandler<ListChannelsQuery, ChannelRow[]> {
  constructor(private readonly readStore: ReadStore, private readonly readYourWrites: ReadYourWrites) {}

  async execute({ portalId, atLeastPosition }: ListChannelsQuery): Promise<ChannelRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return listChannels(this.readStore.db, portalId);
  }
}

@QueryHandler(ListTemplatesQuery)
export class ListTemplatesHandler implements IQueryHandler<ListTemplatesQuery, TemplateRow[]> {
  constructor(private readonly readStore: ReadStore, private readonly readYourWrites: ReadYourWrites) {}

  async execute({ portalId, accountId, atLeastPosition }: ListTemplatesQuery): Promise<TemplateRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return listTemplates(this.readStore.db, portalId, accountId);
  }
}

@QueryHandler(ListContactsQuery)
export class ListContactsHandler implements IQueryHandler<ListContactsQuery, ContactPage> {
  constructor(private readonly readStore: ReadStore, private readonly readYourWrites: ReadYourWrites) {}

  async execute({ portalId, first, after, atLeastPosition }: ListContactsQuery): Promise<ContactPage> {
    await this.readYourWrites.atLeast(atLeastPosition);
    try {
      return await listContacts(this.readStore.db, portalId, first, after);
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw badUserInput([{ field: 'after', messages: ['after must be a pageInfo.endCursor of this list'] }]);
      }
      throw error;
    }
  }
}

@QueryHandler(FindContactsByPhoneQuery)
export class FindContactsByPhoneHandler implements IQueryHandler<FindContactsByPhoneQuery, ContactRow[]> {
  constructor(private readonly readStore: ReadStore, private readonly readYourWrites: ReadYourWrites) {}

  async execute({ portalId, phone, atLeastPosition }: FindContactsByPhoneQuery): Promise<ContactRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    try {
      return await findContactsByPhone(this.readStore.db, portalId, phone);
    } catch (error) {
      // The client's input, named as such; its value is not echoed back.
      if (error instanceof DomainError && error.code === 'INVALID_PHONE_NUMBER') {
        throw badUserInput([{ field: 'phone', messages: ['phone must be a phone number with its country code, e.g. +33612345678'] }]);
      }
      throw error;
    }
  }
}
