import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { type TicketsWorld, admin } from '../conversation/tickets.test-world.js';

export const CREATE_CONTACT =
  'mutation($input: CreateContactInput!) { createContact(input: $input) { contactId position } }';
export const CHANGE_CONTACT =
  'mutation($input: ChangeContactInput!) { changeContact(input: $input) { contactId position } }';

/** A contact made by the real handler, as an admin of the portal would. */
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
