import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { formatPosition } from '../graphql/positions.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import type { TicketsWorld } from '../tickets/tickets.test-world.js';

/** What the directory suites add to the tickets world: contacts and channels made by the real handlers. */
export const admin = (portalId: string): CommandOrigin => ({ portalId, actor: { kind: 'user', id: 'admin-1' } });

export function createContact(
  world: TicketsWorld,
  portalId: string,
  contactId: string,
  name: string,
  { phone, mobile }: { phone?: string; mobile?: string } = {},
) {
  const data = { contactId, name, ...(phone && { phoneNumber: phone }), ...(mobile && { mobilePhoneNumber: mobile }) };
  return world.bus.execute(new CreateContactCommand(admin(portalId), data));
}

export function connectAccount(
  world: TicketsWorld,
  portalId: string,
  account: { accountId: string; name: string; timeZone: string; verified: boolean; numbers: [id: string, display: string][] },
) {
  const phoneNumbers = account.numbers.map(([phoneNumberId, displayNumber]) => ({ phoneNumberId, displayNumber }));
  const { accountId, name, timeZone, verified } = account;
  const connection = { accountType: 'business', businessVerified: verified, phoneNumbers } as const;
  const data = { accountId, wabaId: `waba-${accountId}`, name, timeZone, ...connection };
  return world.bus.execute(new ConnectAccountCommand(admin(portalId), data));
}

/**
 * The end of the log, as a mutation would have returned it: commands without a position of their
 * own (contacts, channels) are waited for by passing it as `atLeastPosition`.
 */
export async function logHead(world: TicketsWorld): Promise<string> {
  const store = world.app.get<EventStore>(EVENT_STORE);
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 })) {
    return formatPosition(event.position);
  }
  throw new Error('The log is empty');
}
