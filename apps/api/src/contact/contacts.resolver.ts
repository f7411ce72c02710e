import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { pageInfo } from '../graphql/page-info.model.js';
import { ContactConnectionModel, ContactModel, contactModel } from './contact.model.js';
import { ContactsArgs, ContactsByPhoneArgs, DEFAULT_CONTACTS_PAGE } from './contact.args.js';
import { FindContactsByPhoneQuery, ListContactsQuery } from './contact.queries.js';

/** The portal's contacts, from the directory read model. */
@Resolver()
@Roles('agent', 'admin', 'auditor')
export class ContactsResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => ContactConnectionModel, { description: "The portal's contacts by name." })
  async contacts(@CurrentUser() user: AuthenticatedUser, @Args() args: ContactsArgs): Promise<ContactConnectionModel> {
    const { first, after, atLeastPosition } = args;
    const query = new ListContactsQuery(
      user.portalId,
      first ?? DEFAULT_CONTACTS_PAGE,
      after ?? undefined,
      atLeastPosition ?? undefined,
    );
    const page = await this.queries.execute(query);
    const { totalCount, totalCountCapped } = page;
    return { nodes: page.contacts.map(contactModel), totalCount, totalCountCapped, pageInfo: pageInfo(page.endCursor) };
  }

  @Query(() => [ContactModel], { description: "The portal's contacts whose phone or mobile number is this one." })
  async contactsByPhone(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: ContactsByPhoneArgs,
  ): Promise<ContactModel[]> {
    const { phone, atLeastPosition } = args;
    const rows = await this.queries.execute(
      new FindContactsByPhoneQuery(user.portalId, phone, atLeastPosition ?? undefined),
    );
    return rows.map(contactModel);
  }
}
