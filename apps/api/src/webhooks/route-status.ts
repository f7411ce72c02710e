import { conversationIdOf } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import {
  findChannelByDisplayNumber,
  findChannelByPhoneNumberId,
} from '@helpdesk/commands/channel/find-channel-by-number.js';
import type { StatusUpdate } from './webhook-items.js';

export interface StatusRoute {
  readonly portalId: string;
  readonly phoneNumberId: string;
  readonly conversationId: string;
}

/**
 * The conversation a status belongs to: the business number that sent the message, and the
 * contact it was sent to. Routed as inbound messages are (by phone_number_id, else by display
 * number), so both land on the same conversation. Null when no connected channel holds the number.
 */
export async function routeStatus(store: EventStore, status: StatusUpdate): Promise<StatusRoute | null> {
  const route =
    (await findChannelByPhoneNumberId(store, status.phoneNumberId)) ??
    (status.displayPhoneNumber ? await findChannelByDisplayNumber(store, status.displayPhoneNumber) : null);
  if (!route) return null;
  const { portalId, phoneNumberId } = route;
  return {
    portalId,
    phoneNumberId,
    conversationId: conversationIdOf({ portalId, phoneNumberId, contactWaId: status.recipientWaId }),
  };
}
