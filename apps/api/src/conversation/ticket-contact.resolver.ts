import { Logger } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser } from '../auth/auth.decorators.js';
import { ContactLoaders } from '../contact/contact-loaders.js';
import { ContactModel, contactModel } from '../contact/contact.model.js';
import { toGraphqlError } from '../graphql/graphql-errors.filter.js';
import { TicketModel } from './ticket.model.js';

/** A type, not the class: the global ValidationPipe would otherwise validate the parent ticket as input. */
type TicketParent = Pick<TicketModel, 'contactId' | 'contactCandidateIds'>;

/**
 * `Ticket.contact`, from the directory read model. Batched per request (ContactLoaders), so a page
 * of tickets costs one contacts query, not one per ticket. Field resolvers run no guards: the
 * ticket was already read by an authorised query of the same portal, whose id keys the loader.
 */
@Resolver(() => TicketModel)
export class TicketContactResolver {
  private readonly logger = new Logger('GraphQL');

  constructor(private readonly contacts: ContactLoaders) {}

  @ResolveField(() => ContactModel, {
    nullable: true,
    description: 'The help desk contact whose number wrote; null while none is associated (or several match).',
  })
  async contact(
    @Parent() ticket: TicketParent,
    @CurrentUser() user: AuthenticatedUser,
    @Context() context: object,
  ): Promise<ContactModel | null> {
    if (!ticket.contactId) return null;
    try {
      const row = await this.contacts
        .forRequest(context)
        .load({ portalId: user.portalId, contactId: ticket.contactId });
      return row && contactModel(row);
    } catch (error) {
      // Exception filters do not run for field resolvers: without this, a read-store error's own text would reach the client.
      this.logger.error({ msg: 'Ticket.contact failed', err: error });
      throw toGraphqlError(error);
    }
  }

  @ResolveField(() => [ContactModel], {
    description:
      'The contacts of the portal sharing the number that wrote, while none is associated: choose one with chooseConversationContact. Empty otherwise.',
  })
  async contactCandidates(
    @Parent() ticket: TicketParent,
    @CurrentUser() user: AuthenticatedUser,
    @Context() context: object,
  ): Promise<ContactModel[]> {
    const candidateIds = ticket.contactId ? [] : (ticket.contactCandidateIds ?? []);
    if (candidateIds.length === 0) return [];
    try {
      const loader = this.contacts.forRequest(context);
      const rows = await Promise.all(
        candidateIds.map((contactId) => loader.load({ portalId: user.portalId, contactId })),
      );
      return rows.flatMap((row) => (row ? [contactModel(row)] : []));
    } catch (error) {
      this.logger.error({ msg: 'Ticket.contactCandidates failed', err: error });
      throw toGraphqlError(error);
    }
  }
}
