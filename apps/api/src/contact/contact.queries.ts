import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';
import {
  type ContactPage,
  type ContactRow,
  findContactsByPhone,
  listContacts,
} from '@helpdesk/projections/directory/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

/** A page of the portal's contacts by name: the caller's portal, from their token. */
export class ListContactsQuery extends Query<ContactPage> {
  constructor(
    readonly portalId: string,
    readonly first: number,
    readonly after?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

/** The portal's contacts with this phone or mobile number. */
export class FindContactsByPhoneQuery extends Query<ContactRow[]> {
  constructor(
    readonly portalId: string,
    readonly phone: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(ListContactsQuery)
export class ListContactsHandler implements IQueryHandler<ListContactsQuery, ContactPage> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

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
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ portalId, phone, atLeastPosition }: FindContactsByPhoneQuery): Promise<ContactRow[]> {
    await this.readYourWrites.atLeast(atLeastPosition);
    try {
      return await findContactsByPhone(this.readStore.db, portalId, phone);
    } catch (error) {
      // The client's input, named as such; its value is not echoed back.
      if (error instanceof DomainError && error.code === 'INVALID_PHONE_NUMBER') {
        throw badUserInput([
          { field: 'phone', messages: ['phone must be a phone number with its country code, e.g. +33612345678'] },
        ]);
      }
      throw error;
    }
  }
}
