import type { OwnerMatch, ViewFilter } from '@helpdesk/domain';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { physicalTableName } from '../core/projection.js';
import type { TicketCondition } from '../ticket-list/index.js';
import { TICKET_FACETS } from './ticket-facets.js';
import { viewsProjection } from './views.projection.js';

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
 * A view's filters as conditions on the ticket list (ANDed, each filter's values ORed). Status,
 * owner and latest-message direction are the ticket list's own, counted columns; the account and
 * business number come from this read model's ticket facets.
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
        return [{ counted: false, where: (eb) => eb('contact_id', 'in', [...filter.anyOf]) }];
      case 'accountId':
        return [withFacet(scope, 'account_id', filter.anyOf)];
      case 'phoneNumber':
        return [withFacet(scope, 'business_phone', filter.anyOf)];
    }
  });
}

function ownerCondition(eb: Builder, match: OwnerMatch, scope: ViewScope): Expression<SqlBool> {
  if (match.kind === 'unassigned') return eb('owner_id', 'is', null);
  return eb('owner_id', '=', match.kind === 'user' ? match.userId : scope.userId);
}

function withFacet(scope: ViewScope, column: string, values: readonly string[]): TicketCondition {
  const facets = physicalTableName(viewsProjection, TICKET_FACETS);
  return {
    counted: false,
    where: (eb) => eb('id', 'in', eb.selectFrom(facets).select('id').where('portal_id', '=', scope.portalId).where(column, 'in', [...values])),
  };
}
