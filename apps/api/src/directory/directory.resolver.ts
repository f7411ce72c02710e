import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { pageInfo } from '../graphql/page-info.model.js';
import { ChannelModel, channelModel } from './channel.model.js';
import { ContactConnectionModel, ContactModel, contactModel } from './contact.model.js';
import { ContactsArgs, ContactsByPhoneArgs, DEFAULT_CONTACTS_PAGE, DirectoryArgs, TemplatesArgs } from './directory.args.js';
import { FindContactsByPhoneQuery, ListChannelsQuery, ListContactsQuery, ListTemplatesQuery } from './directory.queries.js';
import { MessageTemplateModel, templateModel } from './template.model.js';

/** The portal's channels, templates and contacts, from the directory read model. */
@Resolver()
@Roles('agent', 'admin', 'auditor')
export class DirectoryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [ChannelModel], { description: "The portal's WhatsApp accounts by name, disconnected ones included." })
  async channels(@CurrentUser() user: AuthenticatedUser, @Args() { atLeastPosition }: DirectoryArgs): Promise<ChannelModel[]> {
    const rows = await this.queries.execute(new ListChannelsQuery(user.portalId, atLeastPosition ?? undefined));
    return rows.map(channelModel);
  }

  @Query(() => [MessageTemplateModel], {
    description:
      "The portal's templates by channel, name and language, whatever their review status. Another portal's accountId gives none.",
  })
  async templates(@CurrentUser() user: AuthenticatedUser, @Args() args: TemplatesArgs): Promise<MessageTemplateModel[]> {
    const { accountId, atLeastPosition } = args;
    const rows = await this.queries.execute(new ListTemplatesQuery(user.portalId, accountId ?? undefined, atLeastPosition ?? undefined));
    return rows.map(templateModel);
  }

  @Query(() => ContactConnectionModel, { description: "The portal's contacts by name." })
  async contacts(@CurrentUser() user: AuthenticatedUser, @Args() args: ContactsArgs): Promise<ContactConnectionModel> {
    const { first, after, atLeastPosition } = args;
    const query = new ListContactsQuery(user.portalId, first ?? DEFAULT_CONTACTS_PAGE, after ?? undefined, atLeastPosition ?? undefined);
    const page = await this.queries.execute(query);
    const { totalCount, totalCountCapped } = page;
    return { nodes: page.contacts.map(contactModel), totalCount, totalCountCapped, pageInfo: pageInfo(page.endCursor) };
  }

  @Query(() => [ContactModel], { description: "The portal's contacts whose phone or mobile number is this one." })
  async contactsByPhone(@CurrentUser() user: AuthenticatedUser, @Args() args: ContactsByPhoneArgs): Promise<ContactModel[]> {
    const { phone, atLeastPosition } = args;
    const rows = await this.queries.execute(new FindContactsByPhoneQuery(user.portalId, phone, atLeastPosition ?? undefined));
    return rows.map(contactModel);
  }
}
