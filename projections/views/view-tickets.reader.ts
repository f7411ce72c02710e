import type { OwnerMatch, ViewFilter } from '@helpdesk/domain';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { CONTACT_COUNTS, NUMBER_COUNTS, type TicketCondition } from '../ticket-list/index.js';

/** Whose view it is: `current_user` owner filters mean this user. */
export interface ViewScope {
  readonly portalId: string;
  readonly userId: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Builder = ExpressionBuilder<any, any>;

/** Every ticket is a WhatsApp ticket for now: a view of other channels' tickets shows none. */
const TICKET_CHANNEL = 'whatsapp';

/** Matches no row, on SQLite and PostgreSQL alike (and no count row either). */
export const NO_TICKET: TicketCondition = { counted: true, where: () => sql<SqlBool>`1 = 0` };

/**
 * A view's filters as conditions on the ticket list (ANDed, each filter's values ORed). Every one
 * is on a column the ticket list keeps counts by (status, owner, latest-message direction, account,
 * business number, contact), so every view's ticketCount is a sum of a few maintained counts,
 * never a count of tickets: `views` costs the same for a portal of ten tickets or a million.
 */
export function viewTicketConditions(filters: readonly ViewFilter[], scope: ViewScope): TicketCondition[] {
  return filters.flatMap((filter): TicketCondition[] => {
    switch (filter.field) {
      case 'sourceChannelType':
        return filter.anyOf.includes(TICKET_CHANNEL) ? [] : [NO_TICKET];
      case 'status':
        return [{ counted: true, where: (eb) => eb('status', 'in', [...filter.anyOf]) }];
      case 'owner':
        return [{ counted: true, where: (eb) => eb.or(filter.anyOf.map((match) => ownerCondition(eb, match, scope))) }];
      case 'lastMessageDirection':
        return [{ counted: true, where: (eb) => eb('last_direction', 'in', [...filter.anyOf]) }];
      case 'contactId':
        return [{ counted: true, countedIn: CONTACT_COUNTS, where: (eb) => eb('contact_id', 'in', [...filter.anyOf]) }];
      case 'accountId':
        return [{ counted: true, countedIn: NUMBER_COUNTS, where: (eb) => eb('account_id', 'in', [...filter.anyOf]) }];
      case 'phoneNumber':
        return [
          { counted: true, countedIn: NUMBER_COUNTS, where: (eb) => eb('business_phone', 'in', [...filter.anyOf]) },
        ];
    }
  });
}

function ownerCondition(eb: Builder, match: OwnerMatch, scope: ViewScope): Expression<SqlBool> {
  if (match.kind === 'unassigned') return eb('owner_id', 'is', null);
  return eb('owner_id', '=', match.kind === 'user' ? match.userId : scope.userId);
}
