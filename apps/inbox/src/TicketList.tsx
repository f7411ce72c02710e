import { Fragment } from 'preact';
import type { TicketsQuery } from './operations';
import type { ResultOf } from './graphql';
import { shortTime } from './format';

type TicketPage = ResultOf<typeof TicketsQuery>['tickets'];
type Ticket = TicketPage['nodes'][number];

export function contactName(ticket: Pick<Ticket, 'contact' | 'contactProfileName' | 'contactPhone'>): string {
  return ticket.contact?.name ?? ticket.contactProfileName ?? ticket.contactPhone;
}

/** Narrowing the view's list further: its own filters still apply. */
export interface ListFilters {
  readonly status: '' | 'OPEN' | 'CLOSED';
  readonly owner: '' | 'me' | 'unassigned';
  readonly since: '' | '24h' | '7d';
}

export const NO_FILTERS: ListFilters = { status: '', owner: '', since: '' };

/** Each filter's select: the label, then its choices as [value, words]. */
const FILTER_CHOICES: readonly { key: keyof ListFilters; label: string; options: readonly [string, string][] }[] = [
  {
    key: 'status',
    label: 'Status',
    options: [
      ['', 'Any status'],
      ['OPEN', 'Open'],
      ['CLOSED', 'Closed'],
    ],
  },
  {
    key: 'owner',
    label: 'Owner',
    options: [
      ['', 'Anyone'],
      ['me', 'Me'],
      ['unassigned', 'Nobody'],
    ],
  },
  {
    key: 'since',
    label: 'Last activity',
    options: [
      ['', 'Any time'],
      ['24h', 'Last 24 hours'],
      ['7d', 'Last 7 days'],
    ],
  },
];

const SINCE_MS = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;

/** The API's ticket filter for these choices, `now` being this browser's clock. */
export function ticketFilter(filters: ListFilters, userId: string | null, now: number) {
  return {
    ...(filters.status ? { status: [filters.status] } : {}),
    ...(filters.owner === 'me' && userId ? { ownerIds: [userId] } : {}),
    ...(filters.owner === 'unassigned' ? { unassigned: true } : {}),
    ...(filters.since ? { updatedAfter: new Date(now - SINCE_MS[filters.since]).toISOString() } : {}),
  };
}

export function TicketList(props: {
  title: string;
  page: TicketPage | null;
  error: string | null;
  search: string;
  onSearch: (value: string) => void;
  filters: ListFilters;
  onFilters: (filters: ListFilters) => void;
  selectedId: string | null;
  onOpen: (ticket: Ticket) => void;
  onMore: () => void;
  onStart: () => void;
}) {
  const { page } = props;
  return (
    <section class="tickets" aria-labelledby="tickets-heading">
      <div class="tickets-head">
        <h2 id="tickets-heading">{props.title}</h2>
        <button type="button" onClick={props.onStart}>
          New conversation
        </button>
      </div>
      <form role="search" onSubmit={(event) => event.preventDefault()}>
        <label for="ticket-search">Search tickets</label>
        <input
          id="ticket-search"
          type="search"
          value={props.search}
          placeholder="Name, number or text (3 characters or more)"
          onInput={(event) => props.onSearch(event.currentTarget.value)}
        />
        <div class="filters">
          {FILTER_CHOICES.map(({ key, label, options }) => (
            <Fragment key={key}>
              <label for={`filter-${key}`}>{label}</label>
              <select
                id={`filter-${key}`}
                value={props.filters[key]}
                onChange={(event) => props.onFilters({ ...props.filters, [key]: event.currentTarget.value })}
              >
                {options.map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                  </option>
                ))}
              </select>
            </Fragment>
          ))}
        </div>
      </form>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {page ? (
        <p class="total">
          {page.totalCount}
          {page.totalCountCapped ? '+' : ''} {page.totalCount === 1 ? 'ticket' : 'tickets'}
        </p>
      ) : (
        <p class="total">Loading…</p>
      )}
      <ul class="ticket-list" aria-label="Tickets">
        {page?.nodes.map((ticket) => (
          <li key={ticket.id}>
            <button
              type="button"
              class="ticket"
              aria-current={ticket.id === props.selectedId ? 'true' : undefined}
              onClick={() => props.onOpen(ticket)}
            >
              <span class="ticket-head">
                <span class="ticket-name">{contactName(ticket)}</span>
                <time dateTime={ticket.updatedAt}>{shortTime(ticket.updatedAt)}</time>
              </span>
              <span class="ticket-preview">{ticket.preview ?? 'No message yet'}</span>
              <span class="ticket-meta">
                {ticket.status === 'CLOSED' ? <span class="badge">Closed</span> : null}
                {ticket.ownerId ? <span class="badge">Owner: {ticket.ownerId}</span> : null}
                {ticket.unreadCount > 0 ? <span class="badge unread">{ticket.unreadCount} unread</span> : null}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {page?.pageInfo.hasNextPage ? (
        <button type="button" class="more" onClick={props.onMore}>
          Load more tickets
        </button>
      ) : null}
    </section>
  );
}
