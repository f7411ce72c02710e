import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { type TicketsWorld, admin } from '../conversation/tickets.test-world.js';

export const CONNECT =
  'mutation($input: ConnectWhatsAppAccountInput!) { connectWhatsAppAccount(input: $input) { accountId position } }';
export const DISCONNECT =
  'mutation($input: WhatsAppAccountInput!) { disconnectWhatsAppAccount(input: $input) { accountId position } }';
export const VERIFY =
  'mutation($input: WhatsAppAccountInput!) { markBusinessVerified(input: $input) { accountId position } }';
export const ADD_NUMBER =
  'mutation($input: AddPhoneNumberInput!) { addPhoneNumber(input: $input) { accountId displayNumber position } }';
export const REMOVE_NUMBER =
  'mutation($input: RemovePhoneNumberInput!) { removePhoneNumber(input: $input) { accountId displayNumber position } }';

/** A channel connected by the real handler, as an admin of the portal would. */
export function connectAccount(
  world: TicketsWorld,
  portalId: string,
  account: {
    accountId: string;
    name: string;
    timeZone: string;
    verified: boolean;
    numbers: [id: string, display: string][];
  },
) {
  const phoneNumbers = account.numbers.map(([phoneNumberId, displayNumber]) => ({ phoneNumberId, displayNumber }));
  const { accountId, name, timeZone, verified } = account;
  const connection = { accountType: 'business', businessVerified: verified, phoneNumbers } as const;
  const data = { accountId, wabaId: `waba-${accountId}`, name, timeZone, ...connection };
  return world.bus.execute(new ConnectAccountCommand(admin(portalId), data));
}
