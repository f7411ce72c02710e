import { assertNever, refuse } from '../core/index.js';
import { normaliseToE164 } from '../phone-number/e164.js';
import type { ChangeContact, ContactCommand, ContactPhoneCommand, CreateContact } from './contact.commands.js';
import type { ContactEvent, ContactPhoneEvent, ContactPhoneProperty } from './contact.events.js';
import type { ActiveContact, ContactPhoneIndexState, ContactState } from './contact.state.js';

const PHONE_PROPERTIES: readonly ContactPhoneProperty[] = ['phoneNumber', 'mobilePhoneNumber'];

export function decideContact(command: ContactCommand, state: ContactState): ContactEvent[] {
  // Contact streams are named by portal, so this cannot happen through a handler; if it did, another
  // portal's contact answers as an unknown one.
  if (state.status === 'Active' && state.portalId !== command.context.portalId) {
    if (command.type === 'CreateContact')
      refuse('CONTACT_ALREADY_EXISTS', `Contact ${command.data.contactId} already exists`);
    refuse('CONTACT_NOT_FOUND', `Contact ${command.data.contactId} does not exist`);
  }
  switch (command.type) {
    case 'CreateContact':
      return create(command, state);
    case 'ChangeContact':
      return change(command, state);
    default:
      return assertNever(command);
  }
}

function create(command: CreateContact, state: ContactState): ContactEvent[] {
  const { contactId, defaultCountry } = command.data;
  if (state.status === 'Active') refuse('CONTACT_ALREADY_EXISTS', `Contact ${contactId} already exists`);
  const optional = (input?: string) => (input === undefined ? null : normaliseToE164(input, defaultCountry));
  return [
    {
      type: 'ContactCreated',
      data: {
        contactId,
        portalId: command.context.portalId,
        name: validName(command.data.name),
        phoneNumber: optional(command.data.phoneNumber),
        mobilePhoneNumber: optional(command.data.mobilePhoneNumber),
        createdAt: command.context.now.toISOString(),
      },
    },
  ];
}

function change(command: ChangeContact, state: ContactState): ContactEvent[] {
  const { contactId, name } = command.data;
  if (state.status !== 'Active') refuse('CONTACT_NOT_FOUND', `Contact ${contactId} does not exist`);
  const at = command.context.now.toISOString();
  const events: ContactEvent[] = [];
  if (name !== undefined && validName(name) !== state.name) {
    events.push({ type: 'ContactRenamed', data: { contactId, name: validName(name), renamedAt: at } });
  }
  for (const property of PHONE_PROPERTIES) {
    const current = changedNumber(command, state, property);
    if (current === undefined) continue;
    const previous = state[property];
    events.push({ type: 'ContactPhoneNumberChanged', data: { contactId, property, previous, current, changedAt: at } });
  }
  return events;
}

/** The new normalised number (or null), or undefined when the command leaves it as it is. */
function changedNumber(
  command: ChangeContact,
  contact: ActiveContact,
  property: ContactPhoneProperty,
): string | null | undefined {
  const input = command.data[property];
  if (input === undefined) return undefined;
  const current = input === null ? null : normaliseToE164(input, command.data.defaultCountry);
  return current === contact[property] ? undefined : current;
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) refuse('INVALID_COMMAND', 'A contact needs a name');
  return trimmed;
}

/** The index stream's name carries the context's portal, so a portal only ever touches its own index. */
export function decideContactPhoneIndex(
  command: ContactPhoneCommand,
  state: ContactPhoneIndexState,
): ContactPhoneEvent[] {
  const { phoneNumber, contactId, property } = command.data;
  const linked = state.links.some((link) => link.contactId === contactId && link.property === property);
  const data = { portalId: command.context.portalId, phoneNumber, contactId, property };
  switch (command.type) {
    case 'LinkContactPhone':
      return linked ? [] : [{ type: 'ContactPhoneLinked', data }];
    case 'UnlinkContactPhone':
      return linked ? [{ type: 'ContactPhoneUnlinked', data }] : [];
    default:
      return assertNever(command);
  }
}
