import { type Expression, type SqlBool, sql } from 'kysely';
import { physicalTableName } from '../core/projection.js';
import { type TicketCondition, ticketsTable } from '../ticket-list/list-tickets.reader.js';
import { SEARCH_CONTACTS, SEARCH_MESSAGES, searchKey, searchProjection } from './search.projection.js';

export const MAX_SEARCH_LENGTH = 200;
/** Fewer digits than this would match most numbers: the term is then not searched as a phone number. */
const MIN_PHONE_DIGITS = 3;
const PHONE_LIKE = /^[\d\s+().-]+$/;
const ESCAPE = '!';

/** `%term%` with LIKE's wildcards taken literally, so `50%` finds "50%" and `a_b` finds "a_b" only. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[!%_]/g, (character) => `${ESCAPE}${character}`)}%`;
}

/** Both read stores take the same ESCAPE clause; SQLite has no default escape character. */
function like(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape ${sql.lit(ESCAPE)}`;
}

/**
 * Numbers are kept in E.164: without spaces and punctuation, and without the leading 0 of a
 * national spelling (06 ...) or the 00 of an international one (0033 ...), the rest is in it.
 */
function phoneDigits(term: string): string {
  return term.replace(/\D/g, '').replace(/^0+/, '');
}

/**
 * Tickets of the portal whose messages contain the term, whose contact's name contains it, or,
 * when the term is a phone number or part of one in any spelling, whose contact's number does.
 * Case does not matter. Quarantined messages have no row in the search read model.
 */
export function ticketSearchCondition(portalId: string, term: string): TicketCondition {
  const pattern = containsPattern(searchKey(term.trim()));
  const digits = PHONE_LIKE.test(term) ? phoneDigits(term) : '';
  const messages = physicalTableName(searchProjection, SEARCH_MESSAGES);
  const contacts = physicalTableName(searchProjection, SEARCH_CONTACTS);
  const tickets = ticketsTable();
  return {
    counted: false,
    // Per ticket, as the page walks the list newest first: a page stops after its first matches
    // instead of scanning every message of the portal for the term first.
    where: (eb) => {
      const inMessages = eb
        .selectFrom(messages)
        .select(sql.lit(1).as('found'))
        .where('portal_id', '=', portalId)
        .where('ticket_id', '=', eb.ref(`${tickets}.id`))
        .where(like('text_key', pattern));
      const namedContacts = eb
        .selectFrom(contacts)
        .select('contact_id')
        .where('portal_id', '=', portalId)
        .where(like('name_key', pattern));
      return eb.or([
        eb.exists(inMessages),
        eb('contact_id', 'in', namedContacts),
        ...(digits.length >= MIN_PHONE_DIGITS ? [like('contact_phone', containsPattern(digits))] : []),
      ]);
    },
  };
}
