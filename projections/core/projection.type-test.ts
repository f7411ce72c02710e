/**
 * Compile-time tests of the projection types, checked by `tsc -p tsconfig.json --noEmit` (never run,
 * never built). Each `@ts-expect-error` marks a misuse that must not compile: if a change to the
 * types let it compile, the directive itself becomes the error. Renaming an event type or one of
 * its fields in @helpdesk/domain makes projections fail the same way.
 */
import type { ConversationStarted, HelpdeskEventType, TicketAssigned, TicketOpened } from '@helpdesk/domain';
import { ticketListProjection } from '../ticket-list/ticket-list.projection.js';
import { type DocumentAccess, type Projection, type ProjectedEvent, evolveDocument, handleEvents } from './projection.js';

type Handled = ConversationStarted | TicketOpened | TicketAssigned;

interface OwnerRow {
  readonly ticketId: string;
  readonly ownerId: string | null;
}

type Rows = { readonly owners: OwnerRow };

const tables = [{ name: 'owners', columns: {}, indexes: [] }] as const;

// A handler map: each handler gets its own event, so its fields are typed.
const handlers = handleEvents<Handled, Rows>({
  ConversationStarted: () => undefined,
  TicketOpened: (event, access) => access.put('owners', event.data.ticketId, { ticketId: event.data.ticketId, ownerId: null }),
  TicketAssigned: async (event, access) => {
    const owner: OwnerRow | null = await access.get('owners', event.data.ticketId);
    if (owner) access.put('owners', owner.ticketId, { ...owner, ownerId: event.data.to });
  },
});

export const owners: Projection<Handled, Rows> = { name: 'owners', version: 1, tables, columnsOf: () => ({}), ...handlers };

// Every typed projection is a plain one, as the runner holds them.
export const registered: readonly Projection[] = [owners, ticketListProjection];

// --- misuse that must not compile ---

export const unknownEventType: Projection<Handled, Rows> = {
  ...owners,
  // @ts-expect-error 'TicketOpend' is not an event type this projection handles
  eventTypes: ['ConversationStarted', 'TicketOpend'],
};

// @ts-expect-error 'TicketRenamed' is no event type of the domain
export const UNKNOWN_IN_LIST = ['TicketOpened', 'TicketRenamed'] as const satisfies readonly HelpdeskEventType[];

export const handlerOfUnknownType = handleEvents<Handled, Rows>({
  ConversationStarted: () => undefined,
  TicketOpened: () => undefined,
  TicketAssigned: () => undefined,
  // @ts-expect-error no handler for an event type outside the projection's events
  TicketClosed: () => undefined,
});

// @ts-expect-error the handler map lacks TicketAssigned, which the projection declares
export const missingHandler = handleEvents<Handled, Rows>({ ConversationStarted: () => undefined, TicketOpened: () => undefined });

export const unknownField = handleEvents<Handled, Rows>({
  ConversationStarted: () => undefined,
  TicketOpened: (event, access) => {
    // @ts-expect-error TicketOpened has `ticketId`, not `ticketID`
    access.delete('owners', event.data.ticketID);
  },
  // @ts-expect-error TicketAssigned's new owner is `to`, and a handler sees only its own event's fields
  TicketAssigned: (event, access) => access.put('owners', event.data.ticketId, { ticketId: event.data.ticketId, ownerId: event.data.openedAt }),
});

export async function projectUnion(event: ProjectedEvent<Handled>, access: DocumentAccess<Rows>): Promise<void> {
  switch (event.type) {
    case 'TicketOpened':
      access.put('owners', event.data.ticketId, { ticketId: event.data.ticketId, ownerId: null });
      return;
    // @ts-expect-error a type the projection does not handle can never arrive
    case 'TicketClosed':
      return;
    case 'TicketAssigned':
      // @ts-expect-error narrowed to TicketAssigned: it has no `openedAt`
      access.delete('owners', event.data.openedAt);
      return;
  }
}

export async function documentAccess(access: DocumentAccess<Rows>): Promise<void> {
  // @ts-expect-error no table of that name
  await access.get('owner', 'ticket-1');
  // @ts-expect-error a document of the table's row type only
  access.put('owners', 'ticket-1', { ticketId: 'ticket-1' });
  const owner = await access.get('owners', 'ticket-1');
  // @ts-expect-error documents are typed by their table's row type
  access.delete('owners', owner?.ownerID ?? 'none');
}

// @ts-expect-error evolve returns the table's row type
export const wrongEvolve = evolveDocument<Handled, Rows, 'owners'>('owners', (event) => event.streamName, () => ({ ticketId: 'x' }));
