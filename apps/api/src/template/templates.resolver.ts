import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { TemplatesArgs } from './template.args.js';
import { MessageTemplateModel, templateModel } from './template.model.js';
import { ListTemplatesQuery } from './templates.query.js';

/** The portal's message templates, from the directory read model. */
@Resolver()
@Roles('agent', 'admin', 'auditor')
export class TemplatesResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => [MessageTemplateModel], {
    description:
      "The portal's templates by channel, name and language, whatever their review status. Another portal's accountId gives none.",
  })
  async templates(
    @CurrentUser() user: AuthenticatedUser,
    @Args() args: TemplatesArgs,
  ): Promise<MessageTemplateModel[]> {
    const { accountId, atLeastPosition } = args;
    const rows = await this.queries.execute(
      new ListTemplatesQuery(user.portalId, accountId ?? undefined, atLeastPosition ?? undefined),
    );
    return rows.map(templateModel);
  }
}
