import { testToken } from '@helpdesk/auth/fixtures';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { formatPosition } from '../graphql/positions.js';
import {
  type GraphqlAnswer,
  RECEIVED_AT,
  SECRET,
  openTicketsWorld,
  phoneNumberId,
} from '../conversation/tickets.test-world.js';

/**
 * The tickets e2e world (acme with a number and an approved template, globex empty), with tokens
 * for any user and team, and helpers that fail loudly when a GraphQL answer carries errors.
 */
export async function openViewsWorld() {
  const world = await openTicketsWorld();
  world.clock.set(RECEIVED_AT);
  return {
    ...world,
    /** As `helpdesk mint-token --portal P --user U --roles R [--team T]` prints it. */
    async tokenFor(portal: string, user: string, roles: string, team?: string): Promise<string> {
      return testToken({ portal, user, roles, ...(team && { team }) }, SECRET);
    },
    /** The field's data; throws with the errors when there are any. */
    async ok<T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown>,
      token: string,
    ): Promise<T> {
      const answer = await world.graphql(query, variables, token);
      if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
      return Object.values(answer.data ?? {})[0] as T;
    },
    /** A contact's WhatsApp message to acme's number, and where its events stand (`position`). */
    async receiveFrom(from: string, wamid: string, body: string) {
      const message = {
        phoneNumberId,
        wamid,
        from,
        sentAt: world.clock.now().toISOString(),
        content: { kind: 'text' as const, body },
      };
      const { conversationId, messageId, position } = await world.bus.execute(
        new ReceiveInboundMessageCommand(message),
      );
      return { conversationId, messageId, position: formatPosition(position!) };
    },
  };
}

export type ViewsWorld = Awaited<ReturnType<typeof openViewsWorld>>;

/** The first error's code and refused fields, as a client reads them. */
export function refusal(answer: GraphqlAnswer): { code?: string; fields?: string[] } {
  const error = answer.errors?.[0];
  const fields = error?.extensions?.fields?.map((problem) => problem.field);
  return { code: error?.extensions?.code, ...(fields && { fields }) };
}

export const VIEWS = `query Views($at: String) {
  views(atLeastPosition: $at) { id name isDefault sharing teamId creatorId ticketCount filters { field values owners { kind userId } } }
}`;
export const VIEW_TICKETS = `query ViewTickets($viewId: ID, $search: String, $filter: TicketFilterInput, $at: String) {
  tickets(viewId: $viewId, search: $search, filter: $filter, atLeastPosition: $at) { totalCount nodes { id conversationId status contactPhone } }
}`;
export const CREATE_VIEW = 'mutation($input: CreateViewInput!) { createView(input: $input) { viewId position } }';
export const CHANGE_VIEW = 'mutation($input: ChangeViewInput!) { changeView(input: $input) { viewId position } }';
export const DELETE_VIEW = 'mutation($input: DeleteViewInput!) { deleteView(input: $input) { viewId position } }';

export interface ViewShown {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly ticketCount: number;
}

export interface TicketsShown {
  readonly totalCount: number;
  readonly nodes: { id: string; conversationId: string; status: string; contactPhone: string }[];
}
