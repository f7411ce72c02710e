import type { Logger } from '@nestjs/common';
import type { TicketCount } from '@helpdesk/projections/ticket-list/index.js';
import { toGraphqlError } from './graphql-errors.filter.js';

/**
 * One field of a count made once per parent (`totalCount`, `ticketCount` and their `...Capped`).
 * Exception filters do not run for field resolvers: without this, a read-store error's own text
 * would reach the client, so it is logged and answered with its code only.
 */
export async function countedField<T>(
  counted: () => Promise<TicketCount>,
  pick: (count: TicketCount) => T,
  logger: Logger,
  field: string,
): Promise<T> {
  try {
    return pick(await counted());
  } catch (error) {
    logger.error({ msg: `${field} failed`, err: error });
    throw toGraphqlError(error);
  }
}
