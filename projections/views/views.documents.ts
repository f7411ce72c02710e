import type { ViewFilter, ViewSharing } from '@helpdesk/domain';

/** A custom view as agents see it; deleted views are gone. Default views are constants, never stored. */
export interface ViewRow {
  readonly viewId: string;
  readonly portalId: string;
  readonly creatorId: string;
  readonly name: string;
  readonly sharing: ViewSharing;
  /** The team a `my_team` view is shared with; null otherwise. */
  readonly teamId: string | null;
  readonly filters: readonly ViewFilter[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What view filters test that the ticket list does not keep: the account a ticket came through and its business number. */
export interface TicketFacets {
  readonly ticketId: string;
  readonly portalId: string;
  readonly conversationId: string;
  readonly accountId: string | null;
  /** The business number, E.164, as view filters store phone numbers. */
  readonly businessPhone: string;
}

/** Per conversation, what its tickets inherit. */
export interface FacetsConversation {
  readonly conversationId: string;
  readonly portalId: string;
  readonly accountId: string | null;
  readonly businessPhone: string;
}

/** The account that last added a number (Meta's phone_number_id): conversations on it came through it. */
export interface NumberAccount {
  readonly phoneNumberId: string;
  readonly accountId: string;
}
